// Package web serves the playground: the live coding page at / and /s/{session_id}, from assets
// embedded in the binary (the editor is CodeMirror 6, bundled from web/ by `make web`), so it
// works with no internet access.
package web
