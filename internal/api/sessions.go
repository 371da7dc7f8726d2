// Sessions: create, read, autosave and close code sessions.

package api

import (
	"context"
	"net/http"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
)

// defaultLanguage is the language of a session created without one.
const defaultLanguage = "python"

type sessionPath struct {
	ID string `path:"id" doc:"Session id"`
}

type createSessionInput struct {
	Body *createSessionBody
}

type createSessionBody struct {
	Language   *string `json:"language,omitempty" maxLength:"64" doc:"Language id; default python"`
	SourceCode *string `json:"source_code,omitempty" doc:"Initial code"`
}

type sessionOutput struct {
	Location string `header:"Location"`
	ETag     string `header:"ETag" doc:"The session's version, for If-Match on autosave"`
	Body     sessionView
}

type patchSessionInput struct {
	ID      string `path:"id" doc:"Session id"`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The ETag of the version this edit is based on: another version answers 412 with the current session. Without it the last save wins."`
	Body    patchSessionBody
}

type patchSessionBody struct {
	Language   *string `json:"language,omitempty" maxLength:"64" doc:"Language id"`
	SourceCode *string `json:"source_code,omitempty" doc:"The session's code"`
}

type savedOutput struct {
	ETag string `header:"ETag" doc:"The session's new version"`
	Body sessionSaved
}

type getSessionOutput struct {
	ETag string `header:"ETag" doc:"The session's version, for If-Match on autosave"`
	Body sessionView
}

func (s *server) createSession(ctx context.Context, in *createSessionInput) (*sessionOutput, error) {
	var b createSessionBody
	if in.Body != nil {
		b = *in.Body
	}
	if err := s.checkCode("body.source_code", b.SourceCode); err != nil {
		return nil, err
	}
	lang := defaultLanguage
	if b.Language != nil {
		lang = *b.Language
	}
	if _, err := s.language("language", lang); err != nil {
		return nil, err
	}
	now := store.Millis(s.deps.Now()) // what the store keeps: the answer matches later reads
	sess := session.Session{ID: s.deps.NewID(), Status: session.StatusActive, Language: lang, Owner: ownerOf(ctx),
		CreatedAt: now, UpdatedAt: now, Version: session.FirstVersion}
	if b.SourceCode != nil {
		sess.SourceCode = *b.SourceCode
	}
	if err := s.deps.Store.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	return &sessionOutput{Location: "/code-sessions/" + sess.ID, ETag: sessionETag(sess.Version), Body: viewSession(sess)}, nil
}

func (s *server) getSession(ctx context.Context, in *sessionPath) (*getSessionOutput, error) {
	if err := checkID("path.id", "session", in.ID); err != nil {
		return nil, err
	}
	sess, err := s.ownSession(ctx, in.ID)
	if err != nil {
		return nil, atPath(err)
	}
	v := viewSession(sess)
	latest, err := s.deps.Store.LatestExecution(ctx, in.ID)
	switch {
	case err == nil:
		sum := summarize(latest)
		v.LatestExecution = &sum
	case problem.KindOf(err) != problem.NotFound:
		return nil, err
	}
	return &getSessionOutput{ETag: sessionETag(sess.Version), Body: v}, nil
}

// patchSession is the autosave: one store update, never the queue.
func (s *server) patchSession(ctx context.Context, in *patchSessionInput) (*savedOutput, error) {
	if err := checkID("path.id", "session", in.ID); err != nil {
		return nil, err
	}
	b := in.Body
	if err := s.checkCode("body.source_code", b.SourceCode); err != nil {
		return nil, err
	}
	if b.Language != nil {
		if _, err := s.language("language", *b.Language); err != nil {
			return nil, err
		}
	}
	ifVersion, err := ifMatchVersion(in.IfMatch)
	if err != nil {
		return nil, err
	}
	// One statement: the update itself checks the owner, and another key's session is
	// NotFound, as an unknown one.
	patch := store.SessionPatch{Language: b.Language, SourceCode: b.SourceCode, Now: s.deps.Now(), IfVersion: ifVersion}
	if s.keys.enabled() {
		owner := ownerOf(ctx)
		patch.Owner = &owner
	}
	sess, err := s.deps.Store.UpdateSession(ctx, in.ID, patch)
	if err != nil {
		return nil, atPath(err)
	}
	return &savedOutput{ETag: sessionETag(sess.Version), Body: viewSaved(sess)}, nil
}

type closeSessionInput struct {
	ID    string `path:"id" doc:"Session id"`
	Purge bool   `query:"purge" doc:"Delete the session and all its executions instead of closing it; 204, or 409 while one of its executions is queued or running"`
}

type closeSessionOutput struct {
	Status int
	ETag   string `header:"ETag" doc:"The closed session's version"`
	Body   *sessionSaved
}

// closeSession closes a session, or with ?purge=true deletes it with everything it ran.
func (s *server) closeSession(ctx context.Context, in *closeSessionInput) (*closeSessionOutput, error) {
	if err := checkID("path.id", "session", in.ID); err != nil {
		return nil, err
	}
	if _, err := s.ownSession(ctx, in.ID); err != nil {
		return nil, atPath(err)
	}
	if in.Purge {
		if err := s.deps.Store.PurgeSession(ctx, in.ID, s.cfg.RetentionBatch); err != nil {
			return nil, namingActive(atPath(err), in.ID)
		}
		return &closeSessionOutput{Status: http.StatusNoContent}, nil
	}
	sess, err := s.deps.Store.CloseSession(ctx, in.ID, s.deps.Now())
	if err != nil {
		return nil, atPath(err)
	}
	saved := viewSaved(sess)
	return &closeSessionOutput{Status: http.StatusOK, ETag: sessionETag(sess.Version), Body: &saved}, nil
}

// checkCode refuses code past MAX_CODE_BYTES with a 413 naming field.
func (s *server) checkCode(field string, code *string) error {
	if code != nil && len(*code) > s.cfg.MaxCodeBytes {
		return tooLarge(field, s.cfg.MaxCodeBytes)
	}
	return nil
}
