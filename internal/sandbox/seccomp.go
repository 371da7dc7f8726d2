// The seccomp filter every sandboxed program runs under, assembled once per Sandbox.

package sandbox

import (
	"encoding/binary"
	"fmt"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// deniedSyscalls fail with EPERM: kernel attack surface no program of a live coding session needs.
func deniedSyscalls() []string {
	return []string{
		"mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount",
		"fsconfig", "fspick", "mount_setattr",
		"ptrace", "process_vm_readv", "process_vm_writev",
		"kexec_load", "kexec_file_load", "reboot", "init_module", "finit_module", "delete_module",
		"bpf", "perf_event_open", "userfaultfd",
		"keyctl", "add_key", "request_key",
		"io_uring_setup", "io_uring_enter", "io_uring_register",
		"unshare", "setns",
		"swapon", "swapoff", "acct", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
		"quotactl", "lookup_dcookie", "name_to_handle_at", "open_by_handle_at",
		"syslog", "personality", "uselib", "vhangup", "iopl", "ioperm",
	}
}

// socketFamilies are the address families a program may create sockets of: what the languages
// need in a namespace without network (local IPC, loopback, interface queries through netlink).
// Every other family (vsock, which the network namespace does not cover; packet, key,
// bluetooth, ...) fails with EAFNOSUPPORT, as on a kernel built without it.
func socketFamilies() []uint64 {
	return []uint64{unix.AF_UNIX, unix.AF_INET, unix.AF_INET6, unix.AF_NETLINK}
}

// socketRule refuses socket(2) and socketpair(2) of any family but socketFamilies.
func socketRule() seccomp.SyscallGroup {
	var notAllowed seccomp.ArgumentConditions
	for _, f := range socketFamilies() {
		notAllowed = append(notAllowed, seccomp.Condition{Argument: 0, Operation: seccomp.NotEqual, Value: f})
	}
	return seccomp.SyscallGroup{
		Action: seccomp.Action(uint32(seccomp.ActionErrno) | uint32(unix.EAFNOSUPPORT)),
		NamesWithCondtions: []seccomp.NameWithConditions{
			{Name: "socket", Conditions: notAllowed},
			{Name: "socketpair", Conditions: notAllowed},
		},
	}
}

// seccompProgram returns the filter as the raw struct sock_filter array bwrap's --seccomp reads.
//
// Beyond deniedSyscalls: clone with CLONE_NEWUSER is denied (no user namespaces), clone3 fails
// with ENOSYS so libc falls back to clone (its flags live in memory the filter cannot read),
// sockets are limited to socketFamilies, and any syscall of another ABI (i386 through int 0x80, x32) fails with ENOSYS.
func seccompProgram() ([]byte, error) {
	native, err := arch.GetInfo("")
	if err != nil {
		return nil, fmt.Errorf("sandbox: seccomp: %w", err)
	}
	policy := seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		Syscalls: []seccomp.SyscallGroup{
			{Action: seccomp.ActionErrno, Names: deniedSyscalls()},
			{Action: seccomp.ActionErrno, NamesWithCondtions: []seccomp.NameWithConditions{{
				Name: "clone",
				Conditions: seccomp.ArgumentConditions{
					{Argument: 0, Operation: seccomp.BitsSet, Value: unix.CLONE_NEWUSER},
				},
			}}},
			{Action: seccomp.Action(uint32(seccomp.ActionErrno) | uint32(unix.ENOSYS)), Names: []string{"clone3"}},
			socketRule(),
		},
	}
	body, err := policy.Assemble()
	if err != nil {
		return nil, fmt.Errorf("sandbox: seccomp: %w", err)
	}
	// The library lets a foreign architecture through to the default action (allow); refuse it first.
	enosys := uint32(seccomp.ActionErrno) | uint32(unix.ENOSYS)
	prog := append([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 4, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(native.ID), SkipTrue: 1},
		bpf.RetConstant{Val: enosys},
	}, body...)
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("sandbox: seccomp: %w", err)
	}
	out := make([]byte, 0, 8*len(raw))
	for _, ins := range raw {
		out = binary.NativeEndian.AppendUint16(out, ins.Op)
		out = append(out, ins.Jt, ins.Jf)
		out = binary.NativeEndian.AppendUint32(out, ins.K)
	}
	return out, nil
}
