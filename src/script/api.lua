-- The Lua side of the scripting engine (loaded once per Lua state as "@__redis_api"): the
-- error handler, the sandbox (Redis's read-only tables: the globals and every table reachable
-- from them are protected by the patched VM, see vendor/lua-src; Redis's error texts), and
-- thin wrappers that turn the Rust functions' "(value, raise)" results into Lua errors. Frames
-- of this chunk are skipped when an error's script line is reported.
local G, rust = ...
local dbg = G.debug
local error, type, tostring, setfenv, setmetatable, rawget, rawset, select, unpack, xpcall, pcall =
  G.error, G.type, G.tostring, G.setfenv, G.setmetatable, G.rawget, G.rawset, G.select,
  G.unpack, G.xpcall, G.pcall

local set_readonly, is_readonly, raw_getmetatable = rust.set_readonly, rust.is_readonly,
  dbg.getmetatable

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
redis.breakpoint = rust.ldb_breakpoint
redis.debug = rust.ldb_debug
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

-- Not in Redis's sandbox.
for _, name in G.ipairs({'dofile', 'loadfile', 'print', 'os', 'io', 'package', 'module',
                         'require', 'debug', 'getfenv', 'setfenv', 'newproxy'}) do
  rawset(G, name, nil)
end

-- Redis's luaSetErrorMetatable: reading a missing key raises.
local function missing(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end
local function error_metatable(t)
  return setmetatable(t, {__index = missing})
end

-- Redis's luaSetTableProtectionRecursively: t, the tables in it and their metatables.
local function protect(t)
  if is_readonly(t) then return end
  set_readonly(t, true)
  for _, v in next, t do
    if type(v) == 'table' then protect(v) end
  end
  local mt = raw_getmetatable(t)
  if mt then protect(mt) end
end

-- Function libraries: their code runs at FUNCTION LOAD with only a small API as globals
-- (`redis` with register_function, log and the version fields; anything else is a
-- nonexistent global), and their functions run later with the same globals as scripts.
-- As Redis's function_lua.c, a library's environment is an empty protected table whose
-- protected metatable's __index is switched from the globals to the load API for the load.
local load_redis = error_metatable({register_function = raising(rust.register_function),
                                    log = redis.log, LOG_DEBUG = 0, LOG_VERBOSE = 1,
                                    LOG_NOTICE = 2, LOG_WARNING = 3,
                                    REDIS_VERSION = redis.REDIS_VERSION,
                                    REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM})
local load_api = error_metatable({redis = load_redis})
protect(load_api)
local fenv_mt = {__index = G}
local fenv = setmetatable({}, fenv_mt)
set_readonly(fenv_mt, true)
set_readonly(fenv, true)

-- Redis keeps its error handler as a global.
rawset(G, '__redis__err__handler', handler)
error_metatable(G)
protect(G)
-- Redis's patched VM also refuses changes to the strings' metatable.
protect(raw_getmetatable(''))

-- Runs an EVAL script: sets its KEYS and ARGV globals with the globals' protection lifted for
-- the moment (as Redis's luaCallFunction), then runs it under the handler.
local function run_eval(f, keys, argv)
  set_readonly(G, false)
  rawset(G, 'KEYS', keys)
  rawset(G, 'ARGV', argv)
  set_readonly(G, true)
  return xpcall(f, handler)
end

-- The same under the Lua debugger's hook (Rust's script::ldb), removed again afterwards
-- whatever happened (the error handler catches everything, the debugger's abort included).
local ldb_attach, ldb_detach = rust.ldb_attach, rust.ldb_detach
local function run_eval_debug(f, keys, argv)
  set_readonly(G, false)
  rawset(G, 'KEYS', keys)
  rawset(G, 'ARGV', argv)
  set_readonly(G, true)
  ldb_attach()
  local ok, r = xpcall(f, handler)
  ldb_detach()
  return ok, r
end

-- Gives a compiled function library its environment (scripts run with the globals).
local function sandbox(f, library)
  if library then setfenv(f, fenv) end
  return f
end

-- Runs a library's code at FUNCTION LOAD with the load API as globals (errors are returned
-- as they are: Redis runs it without an error handler).
local function load_library(f)
  set_readonly(fenv_mt, false)
  fenv_mt.__index = load_api
  set_readonly(fenv_mt, true)
  local ok, err = lua_pcall(f)
  set_readonly(fenv_mt, false)
  fenv_mt.__index = G
  set_readonly(fenv_mt, true)
  return ok, err
end

return run, sandbox, load_library, run_eval, run_eval_debug
