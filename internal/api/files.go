// Multi-file programs: the files of a run request and the rules their names follow.

package api

import (
	"fmt"
	"strings"

	"livecode/internal/execution"
	"livecode/internal/language"
)

// FileInput is one source file of a multi-file program. Exported only so that request bodies
// can hold it (huma describes it in the schema).
type FileInput struct {
	Name     string `json:"name" maxLength:"255" doc:"A plain file name: no '/', not starting with '.'"`
	Content  string `json:"content"`
	Encoding string `json:"encoding,omitempty" enum:"utf8,base64" doc:"base64: content is base64, for files that are not text"`
}

// checkFiles validates a request's files and splits them into the entry point's source and the
// other files. The entry point is written under the language's source file name whatever its
// given name; the others keep theirs. Names are plain names in the program's directory: no
// directories, no absolute paths, no dot-files (so neither "." nor ".."), no NUL, no duplicates
// (the entry point's file name included). There are at most maxFiles and their total size is
// bounded by maxBytes. It returns a 422 naming body.files or body.files[i].name, or a 413 naming
// body.files[i].content.
func checkFiles(files []FileInput, lang language.Language, maxFiles, maxBytes int) (code string, extra []execution.File, err error) {
	if len(files) > maxFiles {
		return "", nil, unprocessable("body.files", "at most %d files (MAX_FILES), not %d", maxFiles, len(files))
	}
	seen := map[string]bool{lang.SourceFile: true}
	total := 0
	for i, f := range files {
		field := fmt.Sprintf("body.files[%d].name", i)
		if err := checkFileName(field, f.Name); err != nil {
			return "", nil, err
		}
		if total += len(f.Content); total > maxBytes {
			return "", nil, tooLarge(fmt.Sprintf("body.files[%d].content", i), maxBytes)
		}
		if i == 0 {
			continue
		}
		if seen[f.Name] {
			return "", nil, unprocessable(field, "file name %q is used twice (the first file is written as %q)", f.Name, lang.SourceFile)
		}
		seen[f.Name] = true
		extra = append(extra, execution.File{Name: f.Name, Content: f.Content})
	}
	return files[0].Content, extra, nil
}

// checkFileName refuses names that could leave the program's directory or hide in it.
func checkFileName(field, name string) error {
	switch {
	case name == "":
		return unprocessable(field, "file name is empty")
	case len(name) > 255:
		return unprocessable(field, "file name is longer than 255 bytes")
	case strings.ContainsAny(name, "/\\\x00"):
		return unprocessable(field, "file name %q must be a plain name: no '/', '\\' or NUL", name)
	case strings.HasPrefix(name, "."):
		return unprocessable(field, "file name %q must not start with '.'", name)
	}
	return nil
}
