-- wrk script: autosave a session, as an editor does every few seconds per user.
-- usage: wrk -s bench/patch.lua http://HOST:PORT/code-sessions/ID
wrk.method = "PATCH"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"source_code":"' .. string.rep("x = 1\\n", 300) .. 'print(x)"}'
