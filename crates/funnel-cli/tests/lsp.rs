//! `funnel lsp` with a real editor: Neovim, headless, opens a ledger with
//! mistakes and reports the diagnostics it shows. Neovim turns the LSP's
//! UTF-16 columns into byte columns of its buffer itself, so a column
//! counted any other way shows up as a wrong byte column here.
//!
//! Skipped, with a note, when `nvim` is not installed (`.ci/run` installs
//! it).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Starts the server the way `vim.lsp.start` (Neovim 0.8+) or, on older
/// versions, `vim.lsp.start_client` and `buf_attach_client` do, waits for
/// diagnostics and writes what Neovim holds as JSON.
const SCRIPT: &str = r#"
local bin, file, out = os.getenv('FUNNEL_BIN'), os.getenv('LEDGER'), os.getenv('OUT')
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local config = {
  name = 'funnel',
  cmd = { bin, 'lsp', '--strict', '--as-of', '2026-11-26' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
}
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client_id)
end
local ok = vim.wait(20000, function() return #vim.diagnostic.get(buf) >= 2 end, 50)
local found = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(found, {
    lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
    code = d.code, source = d.source, severity = d.severity, message = d.message,
  })
end
table.sort(found, function(a, b) return a.lnum < b.lnum end)
-- Hover and go to definition with the cursor on `referral`, after the
-- non-ASCII title: Neovim turns its byte column into UTF-16 itself.
local line = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
vim.api.nvim_win_set_cursor(0, { 2, string.find(line, 'referral', 1, true) + 1 })
local params = vim.lsp.util.make_position_params(0, 'utf-16')
local function ask(method)
  local answers = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
  for _, answer in pairs(answers) do return answer.result end
end
local hover, definition = ask('textDocument/hover'), ask('textDocument/definition')
local v = vim.version()
local f = io.open(out, 'w')
f:write(vim.fn.json_encode({
  ok = ok, version = v.major .. '.' .. v.minor .. '.' .. v.patch, diagnostics = found,
  hover = hover and hover.contents.value or vim.NIL, definition = definition or vim.NIL,
}))
f:close()
vim.lsp.stop_client(client_id)
vim.cmd('qa!')
"#;

fn nvim() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("nvim"))
        .find(|candidate| candidate.is_file())
}

#[test]
fn neovim_shows_the_diagnostics_as_published() {
    let Some(nvim) = nvim() else {
        eprintln!("note: `nvim` is not installed: the Neovim test of `funnel lsp` is skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("pipeline.funnel");
    let lead = "2026-11-20 lead acme \"Müller — Café ☕ 😀\" via referral from anna";
    let talked = "2026-11-21 talked acne";
    std::fs::write(
        &ledger,
        format!("channel referral \"Empfehlungen — Müller\"\n{lead}\n{talked}\n"),
    )
    .unwrap();
    let script = dir.path().join("test.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.path().join("out.json");
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("FUNNEL_BIN", assert_cmd::cargo::cargo_bin("funnel"))
        .env("LEDGER", &ledger)
        .env("OUT", &out)
        // Neovim's state and its LSP log stay in the test's folder.
        .env("XDG_CACHE_HOME", dir.path())
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("nvim starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("nvim did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "nvim failed: {status}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    eprintln!(
        "Neovim {} showed: {}",
        report["version"], report["diagnostics"]
    );
    assert_eq!(report["ok"], true, "no diagnostics arrived: {report}");
    let found = |code: &str| -> Value {
        let all = report["diagnostics"].as_array().unwrap();
        all.iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no `{code}` in {report}"))
            .clone()
    };
    // Byte columns in Neovim's buffer: where the words are in the lines.
    let anna = found("unknown-contact");
    assert_eq!(anna["source"], "funnel");
    assert_eq!(anna["severity"], 1, "an error");
    assert_eq!(
        (anna["lnum"].as_u64(), anna["end_lnum"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        anna["col"].as_u64(),
        Some(lead.find("anna").unwrap() as u64)
    );
    assert_eq!(anna["end_col"].as_u64(), Some(lead.len() as u64));
    let acne = found("unknown-deal");
    assert_eq!(acne["lnum"].as_u64(), Some(2));
    assert_eq!(
        acne["col"].as_u64(),
        Some(talked.find("acne").unwrap() as u64)
    );
    assert_eq!(acne["end_col"].as_u64(), Some(talked.len() as u64));
    assert!(
        acne["message"]
            .as_str()
            .unwrap()
            .ends_with("help: did you mean `acme`?"),
        "{acne}"
    );
    // Neovim's cursor, turned into a UTF-16 position by Neovim, finds the
    // channel after the title; its definition is the declaration.
    assert_eq!(
        report["hover"],
        "**channel** `referral` — Empfehlungen — Müller\n\n1 deal via this channel"
    );
    assert_eq!(
        report["definition"]["range"]["start"],
        serde_json::json!({ "line": 0, "character": 8 })
    );
    assert_eq!(
        report["definition"]["range"]["end"],
        serde_json::json!({ "line": 0, "character": 16 })
    );
    // The server said nothing on standard error (Neovim logs it) and left
    // with exit code 0, after the `shutdown` Neovim asks for on quitting.
    for log in ["nvim/lsp.log", "lsp.log"] {
        let log = dir.path().join(log);
        if let Ok(text) = std::fs::read_to_string(&log) {
            assert!(
                !text.contains("stderr") && !text.contains("exit code"),
                "{}:\n{text}",
                log.display()
            );
        }
    }
}
