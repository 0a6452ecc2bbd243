-- test.lua: ken in a headless Neovim, through editors/nvim. run.sh starts
-- it as nvim --headless -u NONE -i NONE with editors/nvim on 'runtimepath'
-- and these environment variables:
--   KEN_BIN        the ken binary
--   KEN_SNAPSHOT   the kernel snapshot the settings name
--   KEN_E2E_DIR    an empty directory for the test files
-- It exits with 0 when every check passed and 1 at the first failure.

-- gated lists server capabilities whose checks are skipped, with a note,
-- while the server does not advertise them. A capability not listed here is
-- required.
local gated = {}

local timeout = 10000 -- ms, for every wait

local function say(fmt, ...)
  io.stdout:write(string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

local function fail(fmt, ...)
  error({ message = string.format(fmt, ...) }, 2)
end

local function check(ok, fmt, ...)
  if not ok then
    fail(fmt, ...)
  end
end

local function env(name)
  local v = os.getenv(name)
  check(v and v ~= '', '$%s is not set (run test/e2e/nvim/run.sh)', name)
  return v
end

-- clients returns the LSP clients attached to bufnr, on 0.7 and later.
local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

-- request sends a request to the one ken client and returns its result.
local function request(client, bufnr, method, params)
  local reply, err
  if vim.fn.has('nvim-0.11') == 1 then
    reply, err = client:request_sync(method, params, timeout, bufnr)
  else
    reply, err = client.request_sync(method, params, timeout, bufnr)
  end
  check(reply, '%s: no reply (%s)', method, tostring(err))
  check(not reply.err, '%s: error %s', method, vim.inspect(reply.err))
  return reply.result
end

-- open edits a new file in dir with text and returns its buffer.
local function open(dir, name, text)
  local path = dir .. '/' .. name
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

-- diagnostic waits until bufnr has a diagnostic with code and returns it.
local function diagnostic(bufnr, code)
  local found
  local ok = vim.wait(timeout, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == code) then
        found = d
        return true
      end
    end
    return false
  end, 20)
  check(ok, 'no %s diagnostic within %d ms; diagnostics: %s', code, timeout, vim.inspect(vim.diagnostic.get(bufnr)))
  return found
end

-- attached waits until ken is attached to bufnr and configured, and
-- returns its client.
local function attached(bufnr)
  local client
  local ok = vim.wait(timeout, function()
    client = clients(bufnr)[1]
    return client ~= nil and client.initialized ~= false and client.server_capabilities ~= nil
  end, 20)
  check(ok, 'ken did not attach to buffer %d within %d ms (see :LspInfo, ~/.cache/nvim/lsp.log)', bufnr, timeout)
  check(client.name == 'ken', 'the attached client is %q, not ken', client.name)
  local configured = vim.wait(timeout, function()
    return request(client, bufnr, 'ken/configured', vim.NIL) == true
  end, 50)
  check(configured, 'ken/configured did not answer true within %d ms', timeout)
  return client
end

-- needs reports whether the server advertises capability; for a gated one
-- it notes the skip, for others it fails.
local function needs(client, capability)
  if client.server_capabilities[capability] then
    return true
  end
  check(gated[capability], 'the server does not advertise %s', capability)
  say('SKIP %s is not advertised yet (gated)', capability)
  return false
end

local function hover_text(contents)
  if type(contents) == 'string' then
    return contents
  end
  if contents.value then
    return contents.value
  end
  local parts = {}
  for _, c in ipairs(contents) do
    table.insert(parts, type(c) == 'string' and c or c.value)
  end
  return table.concat(parts, '\n')
end

local function main()
  local ken_bin = env('KEN_BIN')
  local snapshot = env('KEN_SNAPSHOT')
  local dir = env('KEN_E2E_DIR')
  say('nvim %s, ken %s', tostring(vim.version and vim.version().minor and ('0.' .. vim.version().minor .. '.' .. vim.version().patch)), ken_bin)

  vim.cmd('filetype on')
  require('ken').setup({
    cmd = { ken_bin, 'lsp' },
    settings = { kernel = snapshot, dialect = '0.23' },
  })

  -- Filetype detection: by name and by "#!" line.
  local shebang = open(dir, 'trace', '#!/usr/bin/env bpftrace\nBEGIN { exit(); }\n')
  check(vim.bo[shebang].filetype == 'bpftrace', 'a "#!/usr/bin/env bpftrace" file has filetype %q', vim.bo[shebang].filetype)
  local direct = open(dir, 'trace2', '#!/usr/bin/bpftrace -q\nBEGIN { exit(); }\n')
  check(vim.bo[direct].filetype == 'bpftrace', 'a "#!/usr/bin/bpftrace" file has filetype %q', vim.bo[direct].filetype)
  say('ok filetype detection by #! line')

  -- Diagnostics: retval is not available in kprobes.
  local buf = open(dir, 'error.bt', 'kprobe:vfs_read\n{\n\tprintf("%d\\n", retval);\n}\n')
  check(vim.bo[buf].filetype == 'bpftrace', 'error.bt has filetype %q', vim.bo[buf].filetype)
  say('ok filetype detection by .bt')
  local client = attached(buf)
  local d = diagnostic(buf, 'ken/builtin-probe-kind')
  check(d.lnum == 2 and d.col == 16, 'ken/builtin-probe-kind at %d:%d, want 2:16', d.lnum, d.col)
  check(d.severity == vim.diagnostic.severity.ERROR, 'severity %s, want error', tostring(d.severity))
  say('ok diagnostic ken/builtin-probe-kind at 2:16: %s', d.message)

  -- Hover on retval.
  if needs(client, 'hoverProvider') then
    vim.api.nvim_win_set_cursor(0, { 3, 18 })
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    local hover = request(client, buf, 'textDocument/hover', params)
    check(hover and hover.contents, 'no hover on retval')
    local text = hover_text(hover.contents)
    check(text:find('retval', 1, true), 'the hover on retval does not mention it: %s', text)
    say('ok hover on retval: %s', (text:gsub('\n', ' ')))
  end

  -- Code action: the quick fix for a misspelt tracepoint field.
  local fix = open(dir, 'fix.bt', 'tracepoint:syscalls:sys_enter_openat { printf("%s\\n", str(args->filname)); }\n')
  client = attached(fix)
  local u = diagnostic(fix, 'ken/unknown-field')
  local lsp_diag = {
    range = {
      start = { line = u.lnum, character = u.col },
      ['end'] = { line = u.end_lnum, character = u.end_col },
    },
    severity = 1,
    code = 'ken/unknown-field',
    source = u.source,
    message = u.message,
  }
  local actions = request(client, fix, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(fix) },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag } },
  })
  check(type(actions) == 'table' and #actions > 0, 'no code actions: %s', vim.inspect(actions))
  local action
  for _, a in ipairs(actions) do
    if a.title == "Change to 'filename'" then
      action = a
    end
  end
  check(action, "no \"Change to 'filename'\" among %s", vim.inspect(vim.tbl_map(function(a) return a.title end, actions)))
  check(action.edit and action.edit.documentChanges, 'the fix has no documentChanges: %s', vim.inspect(action))
  local dc = action.edit.documentChanges[1]
  say('ok code action %q: an edit for version %s (buffer at %s)', action.title,
    vim.inspect(dc.textDocument.version), tostring(vim.lsp.util.buf_versions[fix]))
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  local line = vim.api.nvim_buf_get_lines(fix, 0, 1, false)[1]
  check(line:find('args->filename', 1, true), 'after the fix the line is: %s', line)
  say('ok quick fix applied: %s', line)
  local cleared = vim.wait(timeout, function()
    return #vim.diagnostic.get(fix) == 0
  end, 20)
  check(cleared, 'diagnostics after the fix: %s', vim.inspect(vim.diagnostic.get(fix)))
  say('ok diagnostics cleared after the fix')
end

local ok, err = xpcall(main, function(e)
  if type(e) == 'table' and e.message then
    return e.message
  end
  return debug.traceback(tostring(e), 2)
end)
if ok then
  say('PASS')
  vim.cmd('qall!')
else
  say('FAIL %s', err)
  vim.cmd('cquit! 1')
end
