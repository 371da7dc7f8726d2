// Judge0's GET /config_info: livecode's defaults and maximums under Judge0's names and units.

package api

import "net/http"

// judge0ConfigInfo serves GET /config_info, which Judge0 clients read to learn whether wait and
// batches are on and which limits they may ask for.
func (s *server) judge0ConfigInfo(w http.ResponseWriter, _ *http.Request) {
	d, m := s.cfg.Defaults(), s.cfg.Maximums()
	secs := func(ms int) float64 { return float64(ms) / 1000 }
	writeJSON(w, http.StatusOK, map[string]any{
		"enable_wait_result": true, "enable_compiler_options": false, "allowed_languages_for_compile_options": []string{},
		"enable_command_line_arguments": true, "enable_submission_delete": false, "enable_callbacks": false,
		"enable_batched_submissions": true, "max_submission_batch_size": s.cfg.MaxBatch,
		"max_queue_size": s.cfg.QueueCapacity,
		"cpu_time_limit": secs(d.TimeLimitMS), "max_cpu_time_limit": secs(m.TimeLimitMS),
		"wall_time_limit": secs(d.TimeLimitMS), "max_wall_time_limit": secs(m.TimeLimitMS),
		"memory_limit": d.MemoryLimitMB * 1024, "max_memory_limit": m.MemoryLimitMB * 1024,
		"max_processes_and_or_threads": d.MaxProcesses, "max_max_processes_and_or_threads": m.MaxProcesses,
		"enable_network": false, "allow_enable_network": false,
	}, nil)
}
