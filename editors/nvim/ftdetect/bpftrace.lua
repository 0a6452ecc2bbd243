-- ftdetect/bpftrace.lua: bpftrace files get the filetype "bpftrace": names
-- ending in .bt, and files whose first line runs bpftrace, such as
-- "#!/usr/bin/env bpftrace" or "#!/usr/bin/bpftrace -q".
--
-- Neovim sources ftdetect/*.lua from 'runtimepath' when filetype detection
-- is turned on (filetype.vim in 0.7, filetype.lua from 0.8). Newer Neovim
-- knows bpftrace itself; setfiletype then leaves its answer alone.

local group = vim.api.nvim_create_augroup('filetypedetect', { clear = false })

-- runs_bpftrace reports whether a "#!" line starts bpftrace, directly or
-- through env (env's options, such as -S, are skipped).
local function runs_bpftrace(line)
  if not line or line:sub(1, 2) ~= '#!' then
    return false
  end
  local words = vim.split(vim.trim(line:sub(3)), '%s+')
  local prog = words[1] or ''
  if prog:match('[^/]*$') == 'env' then
    for i = 2, #words do
      if words[i]:sub(1, 1) ~= '-' and not words[i]:find('=', 1, true) then
        prog = words[i]
        break
      end
    end
  end
  -- bpftrace, or a versioned wrapper such as bpftrace-0.23.
  local name = prog:match('[^/]*$')
  return name == 'bpftrace' or name:match('^bpftrace%-[%d.]+$') ~= nil
end

vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
  group = group,
  pattern = '*.bt',
  command = 'setfiletype bpftrace',
})

vim.api.nvim_create_autocmd({ 'BufNewFile', 'BufRead' }, {
  group = group,
  pattern = '*',
  callback = function(args)
    if runs_bpftrace(vim.api.nvim_buf_get_lines(args.buf, 0, 1, false)[1]) then
      vim.cmd('setfiletype bpftrace')
    end
  end,
})
