// Package language holds how each language is compiled and run, as data: a Language is a
// source file name, optional compile argv, run argv, extra read-only mounts, environment and
// default limits. Built-in definitions are JSON files embedded from languages/*.json; Load adds
// or replaces them with LANGUAGES_DIR's and probes each toolchain once (Available, Version).
//
// The api package uses the Registry to refuse unknown or unavailable languages and to pick
// default limits; the worker looks the language up again and hands it to the sandbox in its
// Spec. To add a language, add a JSON file here; no Go code changes.
package language
