"""A real editor: headless Neovim starts ``wxkf-lint server``, shows its diagnostics and applies its quick fix.

Skipped where Neovim is not installed (``apt-get install neovim``).  The script uses
``vim.lsp.start_client`` (Neovim 0.7 and later) rather than ``vim.lsp.start`` (0.8), so that the
Neovim of Debian 12 runs it too.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cli_helpers import wxkf_executable, write
from tests.test_server import KF

pytest.importorskip("pygls", reason="the server needs the lsp extra")
NVIM = shutil.which("nvim")

SCRIPT = """
local out = io.open(OUT, 'w')
local id = vim.lsp.start_client({ name = 'wxkf-lint', cmd = { SERVER, 'server' }, root_dir = ROOT })
vim.lsp.buf_attach_client(0, id)
vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do out:write(string.format('before %d:%d %s\\n', d.lnum, d.col, d.message)) end
local where = { line = 5, character = 10 }
local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, range = { start = where, ['end'] = where },
                 context = { diagnostics = {} } }
for _, response in pairs(vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 30000) or {}) do
  for _, action in ipairs(response.result or {}) do
    out:write('action ' .. action.title .. '\\n')
    if action.isPreferred then vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16') end
  end
end
out:write('line ' .. vim.api.nvim_buf_get_lines(0, 5, 6, false)[1] .. '\\n')
vim.wait(30000, function() return #vim.diagnostic.get(0) == 1 end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do out:write(string.format('after %d:%d %s\\n', d.lnum, d.col, d.message)) end
vim.lsp.stop_client(id)
vim.wait(10000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
out:write('stopped ' .. tostring(vim.lsp.get_client_by_id(id) == nil) .. '\\n')
out:close()
vim.cmd('qa!')
"""


@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed")
def test_neovim_shows_the_diagnostics_and_applies_the_fix(tmp_path):
    path = write(tmp_path / "kf.py", KF)
    out = tmp_path / "result.txt"
    lua = f"OUT = {str(out)!r}\nSERVER = {wxkf_executable()!r}\nROOT = {str(tmp_path)!r}\n" + SCRIPT
    script = write(tmp_path / "trial.lua", lua)
    assert NVIM is not None
    result = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-c", f"luafile {script}", str(path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 2)[:2] for line in lines if line.startswith("before")] == [["before", "5:7"], ["before", "11:79"]]
    assert 'action wxkf-lint (WXK101): test errcode == 0 instead of errmsg == "ok"' in lines
    assert 'line     if resp["errcode"] == 0:' in lines
    assert [line.split(" ", 2)[:2] for line in lines if line.startswith("after")] == [["after", "11:79"]]
    assert lines[-1] == "stopped true"
