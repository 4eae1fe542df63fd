-- Headless Neovim 0.7 as a real third-party LSP client of prodready (push diagnostics, stdio).
-- Env: PRODREADY_SERVER (path to dist/server.js), PRODREADY_ROOT (workspace). Prints RESULT lines on stdout.
local server = os.getenv('PRODREADY_SERVER')
local root = os.getenv('PRODREADY_ROOT')
local function out(s) io.stdout:write(s .. '\n') end

vim.defer_fn(function() out('RESULT timeout'); vim.cmd('cquit 2') end, 20000)

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local bufnr = vim.api.nvim_get_current_buf()
    local id = vim.lsp.start_client({ name = 'prodready', cmd = { 'node', server, '--stdio' }, root_dir = root })
    vim.lsp.buf_attach_client(bufnr, id)
    local ok = vim.wait(15000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
    if not ok then out('RESULT no-diagnostics'); vim.cmd('cquit 3') return end
    local d = vim.diagnostic.get(bufnr)[1]
    out('DIAG ' .. tostring(d.lnum) .. ' ' .. tostring(d.source) .. ' ' .. tostring(d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)) .. ' ' .. d.message)
    vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
    vim.ui.select = function(items, opts, on_choice)
      for i, item in ipairs(items) do
        local action = item[2] or item.action or item
        local title = (type(action) == 'table' and action.title) or tostring(item)
        if title:find('127.0.0.1', 1, true) then out('PICK ' .. title); on_choice(item, i) return end
      end
      out('RESULT no-fix-in-menu'); vim.cmd('cquit 4')
    end
    vim.lsp.buf.code_action()
    local fixed = vim.wait(10000, function()
      return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n'):find('127.0.0.1:6379:6379', 1, true) ~= nil
    end, 20)
    if not fixed then out('RESULT fix-not-applied'); vim.cmd('cquit 5') return end
    vim.cmd('write')
    local cleared = vim.wait(10000, function() return #vim.diagnostic.get(bufnr) == 0 end, 20)
    out('RESULT ok cleared=' .. tostring(cleared))
    vim.cmd('qall!')
  end,
})
