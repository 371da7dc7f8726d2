// Session versions on the wire: the strong ETag of session answers, If-Match on autosave.

package api

import (
	"strconv"
	"strings"
)

// sessionETag is the strong, quoted entity tag of a session's version.
func sessionETag(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// noVersion is the version a well-formed tag livecode never gives names: it matches no session,
// so the update is refused as stale (RFC 9110 compares If-Match tags strongly: a weak tag never
// matches).
const noVersion = -1

// ifMatchVersion reads an If-Match header: nil when there is none or it is "*" (any current
// version), else the version its one entity tag names. Errors: Invalid, naming the header, for
// a malformed value or a list of several tags (one conditional statement checks one version).
func ifMatchVersion(header string) (*int64, error) {
	h := strings.TrimSpace(header)
	if h == "" || h == "*" {
		return nil, nil
	}
	if strings.Contains(h, ",") {
		return nil, invalidField("header.If-Match", "If-Match takes one entity tag or *")
	}
	weak := strings.HasPrefix(h, "W/")
	tag := strings.TrimPrefix(h, "W/")
	if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' || strings.ContainsAny(tag[1:len(tag)-1], "\" ") {
		return nil, invalidField("header.If-Match", `If-Match must be an entity tag such as "3" (as the ETag header gave it) or *`)
	}
	v, err := strconv.ParseInt(tag[1:len(tag)-1], 10, 64)
	if err != nil || v < 1 || weak {
		v = noVersion
	}
	return &v, nil
}
