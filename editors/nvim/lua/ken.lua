-- ken.lua: starts the ken language server for bpftrace buffers.
--
--   require('ken').setup({
--     settings = { kernel = '/path/to/server.ken', dialect = '0.23' },
--   })
--
-- Options (all optional):
--   cmd           the server command; default { 'ken', 'lsp' }
--   settings      ken's settings: kernel, dialect, bpftrace, inlayHints, symbex,
--                 compileOnSave, kernelVerifier, and synthesis = { provider,
--                 model, baseURL, apiKeyEnv, embeddingModel, trials,
--                 autoRegenerate, store }. They are sent as
--                 initializationOptions and answered to
--                 workspace/configuration as the "ken" section.
--   filetypes     default { 'bpftrace' }
--   root_markers  files or directories that mark a project's root; default
--                 { '.git' }. Without one, a file's directory is its root.
-- Any other key (on_attach, capabilities, handlers, on_exit, flags, ...) is
-- passed to the client configuration unchanged.
--
-- require('ken').synthesize() runs the code action "Synthesize bpftrace from
-- comment" for the prompt comment under the cursor; vim.lsp.buf.code_action()
-- offers it too. The server then inserts the program with
-- workspace/applyEdit.
--
-- One client runs per root directory. On Neovim 0.8 and later the client is
-- started with vim.lsp.start; on 0.7 with vim.lsp.start_client and
-- vim.lsp.buf_attach_client.

local M = {}

local own_keys = { settings = true, filetypes = true, root_markers = true }

-- options holds what setup was given, merged over these defaults.
M.options = {
  cmd = { 'ken', 'lsp' },
  settings = {},
  filetypes = { 'bpftrace' },
  root_markers = { '.git' },
}

-- clients maps root directories to client ids on Neovim 0.7, which has no
-- vim.lsp.start to find a running client for a buffer.
local clients = {}

-- root_dir returns the nearest directory above bufnr's file that holds a
-- root marker, else the file's own directory (the working directory for an
-- unnamed buffer).
local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return vim.loop.cwd()
  end
  local start = vim.fn.fnamemodify(name, ':p:h')
  local dir = start
  while dir do
    for _, marker in ipairs(M.options.root_markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

-- settings returns a copy of the settings that encodes as a JSON object
-- even when empty.
local function settings()
  local s = vim.deepcopy(M.options.settings or {})
  if vim.tbl_isempty(s) then
    return vim.empty_dict()
  end
  return s
end

-- config returns the client configuration for bufnr.
function M.config(bufnr)
  local s = settings()
  local config = {
    name = 'ken',
    cmd = M.options.cmd,
    root_dir = root_dir(bufnr or 0),
    init_options = s,
    settings = { ken = s },
  }
  for k, v in pairs(M.options) do
    if not own_keys[k] and config[k] == nil then
      config[k] = v
    end
  end
  -- Neovim 0.7 sets no omnifunc for LSP buffers: <C-x><C-o> completes with
  -- ken unless the buffer has another omnifunc.
  local on_attach = config.on_attach
  config.on_attach = function(client, buf)
    if vim.bo[buf].omnifunc == '' then
      vim.bo[buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
    end
    if on_attach then
      on_attach(client, buf)
    end
  end
  return config
end

-- running returns the live client with id, or nil.
local function running(id)
  local client = id and vim.lsp.get_client_by_id(id)
  if client and not client.is_stopped() then
    return client
  end
  return nil
end

-- attach starts ken for bufnr, or attaches bufnr to the ken client already
-- running for its root directory, and returns the client id.
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local config = M.config(bufnr)
  if vim.lsp.start then
    -- vim.lsp.start (0.8+) attaches the current buffer and reuses a client
    -- with the same name and root directory.
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(config)
    end)
    return id
  end
  local id = clients[config.root_dir]
  if not running(id) then
    id = vim.lsp.start_client(config)
    if not id then
      vim.notify('ken: could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- configure changes the settings of every running ken client (by
-- workspace/didChangeConfiguration) and of those started later.
function M.configure(new)
  M.options.settings = vim.tbl_deep_extend('force', M.options.settings, new or {})
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in pairs(all) do
    if client.name == 'ken' then
      client.config.settings = { ken = settings() }
      local params = { settings = client.config.settings }
      if vim.fn.has('nvim-0.11') == 1 then
        client:notify('workspace/didChangeConfiguration', params)
      else
        client.notify('workspace/didChangeConfiguration', params)
      end
    end
  end
end

-- ken_client returns the ken client attached to bufnr, or nil.
local function ken_client(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'ken' })[1]
  end
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == 'ken' then
      return client
    end
  end
  return nil
end

-- request sends a request from client; Neovim 0.11 made client methods
-- take self.
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

-- synthesis_titles are the titles of the server's actions that synthesize
-- from the prompt comment (not the ones that fix a finding).
local synthesis_titles = {
  ['Synthesize bpftrace from comment'] = true,
  ['Regenerate bpftrace from comment'] = true,
}

-- synthesize asks ken for the synthesis action at the cursor of the
-- current buffer and runs it: the server checks every candidate, then
-- inserts the program that passed, or says what detail the comment needs.
function M.synthesize()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = ken_client(bufnr)
  if not client then
    vim.notify('ken: no ken server is attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {} }
  request(client, 'textDocument/codeAction', params, function(err, actions)
    if err then
      vim.notify('ken: ' .. tostring(err.message or err), vim.log.levels.ERROR)
      return
    end
    for _, action in ipairs(actions or {}) do
      local command = action.command
      if synthesis_titles[action.title] and type(command) == 'table' and command.command == 'ken.synthesize' then
        if action.disabled then
          vim.notify('ken: ' .. action.disabled.reason, vim.log.levels.WARN)
          return
        end
        -- The reply comes when the program is in (or ken said why not,
        -- with window/showMessage); nothing is left to do with it here.
        request(client, 'workspace/executeCommand', command, function(cerr)
          if cerr then
            vim.notify('ken: ' .. tostring(cerr.message or cerr), vim.log.levels.ERROR)
          end
        end, bufnr)
        return
      end
    end
    vim.notify('ken: no prompt comment under the cursor: describe what to trace in // comments on their own lines, outside any probe', vim.log.levels.INFO)
  end, bufnr)
end

-- setup records the options and starts ken for every buffer of the
-- filetypes, those open now included.
function M.setup(opts)
  opts = opts or {}
  M.options = vim.tbl_deep_extend('force', M.options, opts)
  for _, list in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts[list] then
      M.options[list] = opts[list] -- a list replaces the default, it does not merge
    end
  end
  local group = vim.api.nvim_create_augroup('ken', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
