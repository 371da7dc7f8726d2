// Session methods of the SQLite store.

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/sqlite/sqlitedb"
)

// CreateSession stores a new session. Errors: Conflict if the id exists.
func (s *Store) CreateSession(ctx context.Context, ss session.Session) error {
	return insertSession(ctx, s.wq, ss)
}

// insertSession stores ss with q, a transaction's queries or the store's. Errors: Conflict.
func insertSession(ctx context.Context, q *sqlitedb.Queries, ss session.Session) error {
	err := q.CreateSession(ctx, sqlitedb.CreateSessionParams{ID: ss.ID, Status: string(ss.Status),
		Language: ss.Language, SourceCode: ss.SourceCode, CreatedAt: ms(ss.CreatedAt), UpdatedAt: ms(ss.UpdatedAt), Owner: ss.Owner})
	if isUnique(err) {
		return problem.New(problem.Conflict, "session %s already exists", ss.ID)
	}
	return fail("create session", err)
}

// GetSession returns a session. Errors: NotFound.
func (s *Store) GetSession(ctx context.Context, id string) (session.Session, error) {
	r, err := s.rq.GetSession(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return session.Session{}, store.ErrSessionNotFound(id)
	}
	if err != nil {
		return session.Session{}, fail("get session", err)
	}
	return toSession(r), nil
}

// UpdateSession applies an autosave in one conditional UPDATE. Errors: NotFound, Conflict if
// CLOSED, *store.StaleSession if p.IfVersion is not the session's version.
func (s *Store) UpdateSession(ctx context.Context, id string, p store.SessionPatch) (session.Session, error) {
	var owner, ifVersion any // NULL: any owner, any version
	if p.Owner != nil {
		owner = *p.Owner
	}
	if p.IfVersion != nil {
		ifVersion = *p.IfVersion
	}
	r, err := s.wq.UpdateSession(ctx, sqlitedb.UpdateSessionParams{Language: p.Language,
		SourceCode: p.SourceCode, UpdatedAt: ms(p.Now), ID: id, Owner: owner, IfVersion: ifVersion})
	if errors.Is(err, sql.ErrNoRows) {
		sess, gerr := s.GetSession(ctx, id)
		return session.Session{}, store.WhyNotUpdated(id, p, sess, gerr)
	}
	if err != nil {
		return session.Session{}, fail("update session", err)
	}
	return toSession(r), nil
}

// CloseSession marks a session CLOSED; closing a closed session returns it unchanged.
// Errors: NotFound.
func (s *Store) CloseSession(ctx context.Context, id string, now time.Time) (session.Session, error) {
	r, err := s.wq.CloseSession(ctx, sqlitedb.CloseSessionParams{UpdatedAt: ms(now), ID: id})
	if errors.Is(err, sql.ErrNoRows) {
		return s.GetSession(ctx, id)
	}
	if err != nil {
		return session.Session{}, fail("close session", err)
	}
	return toSession(r), nil
}

// ListSessions returns a page of an owner's sessions, newest first. Errors: Invalid for a
// malformed cursor.
func (s *Store) ListSessions(ctx context.Context, f store.SessionFilter) ([]session.Session, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	var rows []sqlitedb.Session
	var err error
	if f.Before == "" {
		rows, err = s.rq.ListSessions(ctx, sqlitedb.ListSessionsParams{Owner: f.Owner, Status: string(f.Status),
			Language: f.Language, MaxRows: int64(limit + 1)})
	} else {
		at, id, cerr := store.DecodeCursor(f.Before)
		if cerr != nil {
			return nil, "", cerr
		}
		rows, err = s.rq.ListSessionsBefore(ctx, sqlitedb.ListSessionsBeforeParams{Owner: f.Owner, Status: string(f.Status),
			Language: f.Language, CreatedAt: ms(at), ID: id, MaxRows: int64(limit + 1)})
	}
	if err != nil {
		return nil, "", fail("list sessions", err)
	}
	rows, next := store.PageOf(rows, limit, func(r sqlitedb.Session) (time.Time, string) { return fromMS(r.CreatedAt), r.ID })
	page := make([]session.Session, 0, len(rows))
	for _, r := range rows {
		page = append(page, toSession(r))
	}
	return page, next, nil
}
