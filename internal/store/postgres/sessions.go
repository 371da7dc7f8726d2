// Session methods of the PostgreSQL store.

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"livecode/internal/problem"
	"livecode/internal/session"
	"livecode/internal/store"
	"livecode/internal/store/postgres/pgdb"
)

// CreateSession stores a new session. Errors: Conflict if the id exists; Unavailable.
func (s *Store) CreateSession(ctx context.Context, ss session.Session) error {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return insertSession(ctx, s.q, ss)
}

// insertSession stores ss with q, a transaction's queries or the store's. Errors: Conflict;
// Unavailable.
func insertSession(ctx context.Context, q *pgdb.Queries, ss session.Session) error {
	err := q.CreateSession(ctx, pgdb.CreateSessionParams{ID: ss.ID, Status: string(ss.Status),
		Language: ss.Language, SourceCode: []byte(ss.SourceCode), CreatedAt: ts(ss.CreatedAt), UpdatedAt: ts(ss.UpdatedAt), Owner: ss.Owner})
	if uniqueViolation(err) != "" {
		return problem.New(problem.Conflict, "session %s already exists", ss.ID)
	}
	return fail("create session", err)
}

// GetSession returns a session. Errors: NotFound; Unavailable.
func (s *Store) GetSession(ctx context.Context, id string) (session.Session, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	r, err := s.q.GetSession(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Session{}, store.ErrSessionNotFound(id)
	}
	if err != nil {
		return session.Session{}, fail("get session", err)
	}
	return toSession(r), nil
}

// UpdateSession applies an autosave in one conditional UPDATE.
// Errors: NotFound, Conflict if CLOSED, *store.StaleSession if p.IfVersion is not the
// session's version; Unavailable.
func (s *Store) UpdateSession(ctx context.Context, id string, p store.SessionPatch) (session.Session, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	r, err := s.q.UpdateSession(ctx, pgdb.UpdateSessionParams{Language: p.Language,
		SourceCode: bytesp(p.SourceCode), UpdatedAt: ts(p.Now), ID: id, Owner: p.Owner, IfVersion: p.IfVersion})
	if errors.Is(err, pgx.ErrNoRows) {
		sess, gerr := s.GetSession(ctx, id)
		return session.Session{}, store.WhyNotUpdated(id, p, sess, gerr)
	}
	if err != nil {
		return session.Session{}, fail("update session", err)
	}
	return toSession(r), nil
}

// CloseSession marks a session CLOSED; closing a closed session returns it unchanged.
// Errors: NotFound; Unavailable.
func (s *Store) CloseSession(ctx context.Context, id string, now time.Time) (session.Session, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	r, err := s.q.CloseSession(ctx, pgdb.CloseSessionParams{UpdatedAt: ts(now), ID: id})
	if errors.Is(err, pgx.ErrNoRows) {
		return s.GetSession(ctx, id)
	}
	if err != nil {
		return session.Session{}, fail("close session", err)
	}
	return toSession(r), nil
}

// ListSessions returns a page of an owner's sessions, newest first. Errors: Invalid for a
// malformed cursor; Unavailable.
func (s *Store) ListSessions(ctx context.Context, f store.SessionFilter) ([]session.Session, string, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	limit := f.Limit
	if limit <= 0 {
		limit = store.DefaultPageSize
	}
	var rows []pgdb.Session
	var err error
	if f.Before == "" {
		rows, err = s.q.ListSessions(ctx, pgdb.ListSessionsParams{Owner: f.Owner, Status: string(f.Status),
			Language: f.Language, MaxRows: int32(limit + 1)})
	} else {
		at, id, cerr := store.DecodeCursor(f.Before)
		if cerr != nil {
			return nil, "", cerr
		}
		rows, err = s.q.ListSessionsBefore(ctx, pgdb.ListSessionsBeforeParams{Owner: f.Owner, Status: string(f.Status),
			Language: f.Language, CreatedAt: at, ID: id, MaxRows: int32(limit + 1)})
	}
	if err != nil {
		return nil, "", fail("list sessions", err)
	}
	rows, next := store.PageOf(rows, limit, func(r pgdb.Session) (time.Time, string) { return r.CreatedAt, r.ID })
	page := make([]session.Session, 0, len(rows))
	for _, r := range rows {
		page = append(page, toSession(r))
	}
	return page, next, nil
}
