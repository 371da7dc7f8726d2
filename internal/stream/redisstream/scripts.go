// The Lua scripts that change stream state atomically.

package redisstream

import "github.com/redis/go-redis/v9"

// publishScript appends events to a topic's stream, numbering them after its newest entry
// (entry ID "<seq>-0"), refusing to append after a final entry, trimming to about MAXLEN
// entries, setting the key's TTL, and notifying the topic's channel with the new last seq.
//
// KEYS[1]: the topic's stream.
// ARGV[1]: the notification channel. ARGV[2]: MAXLEN (approximate). ARGV[3]: TTL in ms
// without a final event. ARGV[4]: TTL in ms after it. Then four per event: type, data,
// time (Unix ns), "1" if the event is final else "0".
// Returns the last seq, or the error "FINISHED" when the topic already ended.
var publishScript = redis.NewScript(`
local seq = 0
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last > 0 then
  seq = tonumber(string.match(last[1][1], '^(%d+)'))
  local f = last[1][2]
  for i = 1, #f, 2 do
    if f[i] == 'f' then return redis.error_reply('FINISHED') end
  end
end
local final = false
for b = 5, #ARGV, 4 do
  seq = seq + 1
  if ARGV[b+3] == '1' then
    final = true
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0',
      't', ARGV[b], 'd', ARGV[b+1], 'ts', ARGV[b+2], 'f', '1')
  else
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0',
      't', ARGV[b], 'd', ARGV[b+1], 'ts', ARGV[b+2])
  end
end
if final then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
redis.call('PUBLISH', ARGV[1], seq)
return seq
`)

// sendControlScript queues one control message for an execution's worker.
//
// KEYS[1]: the execution's control list.
// ARGV[1]: the most messages it may hold. ARGV[2]: its TTL in ms. ARGV[3]: the message.
// Returns 1, or the error "FULL" when the list holds ARGV[1] messages already.
var sendControlScript = redis.NewScript(`
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[1]) then
  return redis.error_reply('FULL')
end
redis.call('RPUSH', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)
