// Session listing: the caller's sessions, newest first, filtered by status and language.

package api

import (
	"context"

	"livecode/internal/session"
	"livecode/internal/store"
)

type listSessionsInput struct {
	Limit    int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"Page size"`
	Cursor   string `query:"cursor" maxLength:"256" doc:"next_cursor of the previous page"`
	Status   string `query:"status" enum:"ACTIVE,CLOSED" doc:"Only sessions in this status"`
	Language string `query:"language" maxLength:"64" doc:"Only sessions in this language"`
}

type listSessionsOutput struct {
	Body struct {
		Sessions   []sessionView `json:"sessions"`
		NextCursor *string       `json:"next_cursor" doc:"Cursor of the next page; null on the last page"`
	}
}

// listSessions pages through the sessions of the caller's API key (all sessions when
// authentication is off), newest first.
func (s *server) listSessions(ctx context.Context, in *listSessionsInput) (*listSessionsOutput, error) {
	page, next, err := s.deps.Store.ListSessions(ctx, store.SessionFilter{Owner: ownerOf(ctx),
		Status: session.Status(in.Status), Language: in.Language, Limit: in.Limit, Before: in.Cursor})
	if err != nil {
		return nil, err
	}
	out := &listSessionsOutput{}
	out.Body.Sessions = make([]sessionView, 0, len(page))
	for _, ss := range page {
		out.Body.Sessions = append(out.Body.Sessions, viewSession(ss))
	}
	out.Body.NextCursor = nonEmpty(next)
	return out, nil
}
