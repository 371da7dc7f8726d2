// Package config is the one home of livecode's settings and their defaults: every setting is
// a field of Config, read from one environment variable, with its default in Default. Where a
// package also has a zero-value fallback of its own (sandbox, worker, the queues, the compile
// cache), Default takes that package's exported constant, so each value is written once.
//
// Load reads and validates the settings from a getenv function (cli passes the environment
// over ./.env); Default is the configuration of an empty environment. Helpers derive what
// several packages need: Database (driver and DSN from DATABASE_URL), Redis (the Redis URL,
// empty meaning embedded mode), Defaults and Maximums (run limits), Keys (API_KEYS parsed).
// config reads nothing at package initialization and holds no global state; it does not
// decide how a value is used, only what it is.
package config
