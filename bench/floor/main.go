// Command floor is the API benchmarks' baseline: the least an HTTP server must do to answer
// livecode's autosave (PATCH /code-sessions/{id}) and its execution read (GET /executions/{id})
// from the same SQLite database with the same connection settings: decode, one statement,
// encode. livecode's own figures are reported as a fraction of this one's, measured in the same
// run (bench/api.sh).
//
//	floor -db PATH -addr 127.0.0.1:PORT
package main

import (
	"database/sql"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"runtime"
	"strconv"
	"time"

	_ "modernc.org/sqlite"

	"livecode/internal/store/sqlite"
)

func main() {
	path := flag.String("db", "", "SQLite database made by livecode")
	addr := flag.String("addr", "127.0.0.1:3999", "listen address")
	flag.Parse()
	w, err := sql.Open("sqlite", sqlite.DSN(*path, false))
	if err != nil {
		log.Fatal(err)
	}
	w.SetMaxOpenConns(1) // one writer, as livecode's store
	r, err := sql.Open("sqlite", sqlite.DSN(*path, true))
	if err != nil {
		log.Fatal(err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	r.SetMaxIdleConns(max(4, runtime.NumCPU()))
	patch, err := w.Prepare(`UPDATE sessions SET source_code = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = 'ACTIVE'
		RETURNING id, status, language, source_code, created_at, updated_at, version`)
	if err != nil {
		log.Fatal(err)
	}
	get, err := r.Prepare(`SELECT * FROM executions WHERE id = ?`)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PATCH /code-sessions/{id}", func(rw http.ResponseWriter, req *http.Request) {
		var in struct {
			SourceCode string `json:"source_code"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(rw, req.Body, 1<<20)).Decode(&in); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		var s struct {
			ID         string `json:"session_id"`
			Status     string `json:"status"`
			Language   string `json:"language"`
			SourceCode string `json:"source_code"`
			Created    int64  `json:"created_at"`
			Updated    int64  `json:"updated_at"`
			Version    int64  `json:"-"`
		}
		err := patch.QueryRowContext(req.Context(), in.SourceCode, time.Now().UnixMilli(), req.PathValue("id")).
			Scan(&s.ID, &s.Status, &s.Language, &s.SourceCode, &s.Created, &s.Updated, &s.Version)
		if err == nil {
			rw.Header().Set("ETag", `"`+strconv.FormatInt(s.Version, 10)+`"`) // as livecode answers
		}
		reply(rw, s, err)
	})
	mux.HandleFunc("GET /executions/{id}", func(rw http.ResponseWriter, req *http.Request) {
		rows, err := get.QueryContext(req.Context(), req.PathValue("id"))
		if err != nil {
			reply(rw, nil, err)
			return
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if !rows.Next() {
			reply(rw, nil, sql.ErrNoRows)
			return
		}
		err = rows.Scan(ptrs...)
		e := make(map[string]any, len(cols))
		for i, c := range cols {
			e[c] = vals[i]
		}
		reply(rw, e, err)
	})
	log.Fatal(http.ListenAndServe(*addr, mux))
}

func reply(rw http.ResponseWriter, v any, err error) {
	switch {
	case err == sql.ErrNoRows:
		http.Error(rw, "not found", http.StatusNotFound)
	case err != nil:
		http.Error(rw, err.Error(), http.StatusInternalServerError)
	default:
		rw.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(rw).Encode(v)
	}
}
