-- The Lua side of the scripting engine (loaded once per Lua state as "@__redis_api"): the
-- error handler, the sandbox (read-only globals and libraries, Redis's error texts), and thin
-- wrappers that turn the Rust functions' "(value, raise)" results into Lua errors. Frames of
-- this chunk are skipped when an error's script line is reported.
local G, rust = ...
local dbg = G.debug
local error, type, tostring, setfenv, setmetatable, rawget, rawset, select, unpack, xpcall, pcall =
  G.error, G.type, G.tostring, G.setfenv, G.setmetatable, G.rawget, G.rawset, G.select,
  G.unpack, G.xpcall, G.pcall

-- What a script sees as its globals: reads fall through to G, writes are refused.
local env = {}

local function readonly()
  error('Attempt to modify a readonly table', 2)
end

-- Redis's __redis__err__handler: the error becomes a table {err, source, line}, the line
-- being the script's (C frames and this chunk's frames are skipped).
local function handler(err)
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and (i.what == 'C' or i.source == '@__redis_api') do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end

-- Runs f(a, b) under the handler: returns true, result or false, error table.
local function run(f, a, b)
  if a == nil then
    return xpcall(f, handler)
  end
  return xpcall(function() return f(a, b) end, handler)
end

local raising, checked = rust.make_raising, rust.make_checked

local redis = {}
redis.call = raising(rust.call)
redis.pcall = function(...) local r = rust.call(...) return r end
redis.setresp = raising(rust.setresp)
redis.set_repl = raising(rust.set_repl)
redis.log = raising(rust.log)
redis.sha1hex = raising(rust.sha1hex)
redis.error_reply = raising(rust.error_reply)
redis.status_reply = raising(rust.status_reply)
redis.acl_check_cmd = raising(rust.acl_check_cmd)
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.REDIS_VERSION = rust.version
redis.REDIS_VERSION_NUM = rust.version_num
redis.LOG_DEBUG = 0
redis.LOG_VERBOSE = 1
redis.LOG_NOTICE = 2
redis.LOG_WARNING = 3
redis.REPL_NONE = 0
redis.REPL_AOF = 1
redis.REPL_SLAVE = 2
redis.REPL_REPLICA = 2
redis.REPL_ALL = 3
rawset(G, 'redis', redis)

-- Libraries implemented in Rust.
local function wrap(lib)
  local t = {}
  for k, v in G.pairs(lib) do
    if type(v) == 'function' then
      t[k] = checked(v)
    else
      t[k] = v
    end
  end
  return t
end
for _, name in G.ipairs({'bit', 'cjson', 'cmsgpack', 'struct'}) do
  local lib = rust[name]
  if lib then
    rawset(G, name, wrap(lib))
  end
end
-- cjson.new(): a fresh cjson table with its own settings (lua-cjson's lua_cjson_new).
local cjson_new, cjson_new_fn = rust.cjson_new, nil
cjson_new_fn = function()
  local t = wrap(cjson_new())
  t.new = cjson_new_fn
  return t
end
G.cjson.new = cjson_new_fn

-- math.random / math.randomseed with Redis's generator.
G.math.random = checked(rust.random)
G.math.randomseed = checked(rust.randomseed)

-- Redis's pcall: an error table raised by redis.call is caught as its message (Redis 7's
-- luaRedisPcall, for compatibility with scripts written when errors were strings).
local lua_pcall = pcall
local function pcall_result(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local m = e.err
    if type(m) == 'string' or type(m) == 'number' then e = m end
  end
  return false, e
end
rawset(G, 'pcall', function(...) return pcall_result(lua_pcall(...)) end)

-- loadstring/load: chunks see the script environment, never the raw globals.
local loadstring, load = G.loadstring, G.load
rawset(G, 'loadstring', function(s, name)
  local f, e = loadstring(s, name)
  if f then setfenv(f, env) end
  return f, e
end)
rawset(G, 'load', function(fn, name)
  local f, e = load(fn, name)
  if f then setfenv(f, env) end
  return f, e
end)

-- Not in Redis's sandbox.
for _, name in G.ipairs({'dofile', 'loadfile', 'print', 'os', 'io', 'package', 'module',
                         'require', 'debug'}) do
  rawset(G, name, nil)
end

-- Library tables become read-only views; next, pairs, ipairs and rawget see through them.
local real = setmetatable({}, {__mode = 'k'})
for _, name in G.ipairs({'string', 'table', 'math', 'coroutine', 'bit', 'cjson', 'cmsgpack',
                         'struct', 'redis'}) do
  local lib = rawget(G, name)
  if lib then
    local view = setmetatable({}, {__index = lib, __newindex = readonly, __metatable = false})
    real[view] = lib
    rawset(G, name, view)
  end
end
real[env] = G
local lua_next, lua_ipairs = next, G.ipairs
local function see(t) return real[t] or t end
rawset(G, 'next', function(t, k) return lua_next(see(t), k) end)
rawset(G, 'pairs', function(t) return lua_next, see(t), nil end)
rawset(G, 'ipairs', function(t) return lua_ipairs(see(t)) end)
rawset(G, 'rawget', function(t, k) return rawget(see(t), k) end)

rawset(G, '_G', env)
setmetatable(G, {
  __index = function(_, k)
    error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
  end,
  __newindex = readonly,
  __metatable = false,
})
setmetatable(env, {__index = G, __newindex = readonly, __metatable = false})

-- Function libraries: their code runs at FUNCTION LOAD with only a small API as globals
-- (`redis` with register_function, log and the version fields; anything else is a
-- nonexistent global), and their functions run later with the same globals as scripts.
local function missing(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end
local load_redis = {register_function = raising(rust.register_function), log = redis.log,
                    LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
                    REDIS_VERSION = redis.REDIS_VERSION, REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM}
setmetatable(load_redis, {__index = missing, __newindex = readonly, __metatable = false})
local load_api = setmetatable({redis = load_redis},
                              {__index = missing, __newindex = readonly, __metatable = false})
local fenv_mt = {__index = G, __newindex = readonly, __metatable = false}
local fenv = setmetatable({}, fenv_mt)
real[fenv] = G

-- Gives a compiled script (or function library, when `library` is true) its environment.
local function sandbox(f, library)
  setfenv(f, library and fenv or env)
  return f
end

-- Runs a library's code at FUNCTION LOAD with the load API as globals (errors are returned
-- as they are: Redis runs it without an error handler).
local function load_library(f)
  fenv_mt.__index = load_api
  local ok, err = lua_pcall(f)
  fenv_mt.__index = G
  return ok, err
end

return run, sandbox, load_library
