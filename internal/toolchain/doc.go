// Package toolchain installs the toolchains and libraries that language definitions name in
// their packages (Debian packages through apt-get, npm packages under /usr), for a chosen set
// of languages or for all of them, and leaves what is already installed alone. It is what
// `livecode toolchains install` and `make toolchains` run.
package toolchain
