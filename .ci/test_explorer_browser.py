"""End to end: JupyterLab on localhost, 06_explore.ipynb and 06a_interpolate.ipynb run in headless Chromium, a slider of each
explorer dragged, the decoded image checked.

Needs Debian's chromium (/usr/bin/chromium) and the dev extra (jupyterlab, playwright). Every wait is bounded and
JupyterLab is always stopped. The screenshot goes to $FLOWERVAE_SCREENSHOTS (default: a temporary folder)."""
import os, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
# Hash the pixels the browser decoded from the widget's PNG: a change here is a change on screen.
PIXELS_JS = """img => { const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0); const d = g.getImageData(0, 0, c.width, c.height).data;
  let h = 0, s = 0; for (let i = 0; i < d.length; i++) { h = (h * 31 + d[i]) % 1000000007; s += d[i]; }
  return {hash: h, mean: s / d.length, w: c.width, sample: Array.from(d.filter((_, i) => i % 7 === 0))}; }"""

NOTEBOOKS = ('06_explore.ipynb', '06a_interpolate.ipynb')

def free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def wait_http(url:str, proc:subprocess.Popen, log:Path, timeout:float):
    "Poll `url` until it answers, at most `timeout` seconds, failing at once if the server `proc` dies."
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None: raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try: urllib.request.urlopen(url, timeout=2); return
        except Exception: time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer in {timeout} s")

def accept_kernel_dialog(page, wait_ms:int=3000)->bool:
    "Take the kernel JupyterLab proposes if it asks which (it did once, on a busy machine): its dialog blocks every click."
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try: page.locator('.jp-Dialog:has-text("Select Kernel") .jp-mod-accept').first.click(timeout=wait_ms); return True
    except PlaywrightTimeout: return False

def run_all_cells(page, tries:int=3):
    "Run > Run All Cells, checked: a click that lands before the notebook is ready does nothing, so retry until a cell starts."
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    for _ in range(tries):
        accept_kernel_dialog(page)
        try:
            page.locator('.jp-Notebook .jp-Cell').first.click(timeout=20_000)   # give the notebook the focus the menu acts on
            page.click('.lm-MenuBar-item:has-text("Run")', timeout=20_000)
            page.click('li.lm-Menu-item:has(.lm-Menu-itemLabel:text-is("Run All Cells"))', timeout=20_000)
            page.wait_for_selector('.jp-InputPrompt:has-text("[*]"), .jp-InputPrompt:has-text("[1]")', timeout=20_000); return
        except PlaywrightTimeout:                                      # Escape would answer a kernel dialog with "No Kernel"
            if not accept_kernel_dialog(page, 500): page.keyboard.press('Escape')
    raise AssertionError(f"Run All Cells did not start the notebook in {tries} tries")

@pytest.fixture
def jupyterlab(tmp_path):
    "A JupyterLab server on 127.0.0.1 with a random token, serving copies of the notebooks (autosave never touches the repo)."
    port, token = free_port(), secrets.token_hex(16)
    (tmp_path/'nbs').mkdir()
    for name in NOTEBOOKS: shutil.copy(ROOT/'nbs'/name, tmp_path/'nbs'/name)
    env = dict(os.environ, IN_TEST='1', JUPYTER_CONFIG_DIR=str(tmp_path/'cfg'), JUPYTER_RUNTIME_DIR=str(tmp_path/'rt'))
    cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', f'--port={port}', f'--IdentityProvider.token={token}',
           f'--ServerApp.root_dir={tmp_path}', '--LabApp.news_url=None', '--ServerApp.allow_remote_access=False']
    if os.geteuid() == 0: cmd.append('--allow-root')   # CI machines run as root
    log = open(tmp_path/'jupyterlab.log', 'w')
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", proc, tmp_path/'jupyterlab.log', 90)
        yield f"http://127.0.0.1:{port}", token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try: proc.wait(timeout=20)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait(timeout=10)
        log.close()

CELLS_DONE_JS = """() => { const ind = document.querySelector('.jp-Notebook-ExecutionIndicator');
  const queued = [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('[*]'));
  return !queued && (!ind || ind.dataset.status === 'idle'); }"""

def wait_cells_done(page, timeout_s:float=300):
    "Wait until no cell is queued or running and the kernel is idle, twice a second apart (idle can flicker between cells)."
    for _ in range(2): page.wait_for_function(CELLS_DONE_JS, timeout=timeout_s * 1000); page.wait_for_timeout(1000)
    page.wait_for_function(CELLS_DONE_JS, timeout=timeout_s * 1000)

def drag_and_check(page, url:str, notebook:str, slider_css:str, image:int, dx:int, dy:int, rest:str, shot:str):
    "Run `notebook`, find the first output with a `slider_css` slider, drag it by (dx, dy): its `image`-th picture must change."
    page.goto(url.replace('NOTEBOOK', notebook))
    page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=90_000)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=90_000)
    run_all_cells(page)
    explorer = page.locator(f'.jp-OutputArea-output:has({slider_css})').first
    explorer.wait_for(timeout=240_000)
    wait_cells_done(page)                        # a later cell may call the explorer, and its widget follows: drag after them
    img = explorer.locator('img').nth(image)                               # the decoded picture, not a photograph beside it
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=img.element_handle(), timeout=60_000)
    explorer.scroll_into_view_if_needed()
    before = img.evaluate(PIXELS_JS)
    slider = explorer.locator(slider_css).first
    box = slider.locator('.noUi-handle').bounding_box()
    x, y = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
    page.mouse.move(x, y); page.mouse.down(); page.mouse.move(x + dx, y + dy, steps=8); page.mouse.up()
    readout = slider.locator('.widget-readout')
    page.wait_for_function(f"el => el.textContent.trim() !== '{rest}'", arg=readout.element_handle(), timeout=30_000)
    page.wait_for_function(f"([el, h]) => {{ const f = {PIXELS_JS}; return el.complete && f(el).hash !== h; }}",
                           arg=[img.element_handle(), before['hash']], timeout=60_000)
    after = img.evaluate(PIXELS_JS)
    explorer.screenshot(path=shot)
    change = sum(abs(a - b) for a, b in zip(before['sample'], after['sample'])) / len(before['sample'])
    print(f"{notebook}: slider moved to {readout.text_content().strip()}; mean absolute pixel change {change:.2f} of 255; "
          f"screenshot {shot}")
    assert after['hash'] != before['hash'] and after['w'] == before['w']
    assert change > 0.5, f"the decoded image barely changed ({change:.2f} of 255)"

def in_browser(jupyterlab, name:str, drive):
    "Open a headless Chromium page on the server, `drive(page, url, shots)` it; on failure keep a screenshot and cells' errors."
    from playwright.sync_api import sync_playwright
    url, token = jupyterlab
    shots = Path(os.environ.get('FLOWERVAE_SCREENSHOTS') or tempfile.mkdtemp())
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={'width': 1400, 'height': 1000})
            page.set_default_timeout(60_000)
            drive(page, f"{url}/lab/tree/nbs/NOTEBOOK?token={token}", shots)
        except Exception:
            page.screenshot(path=str(shots/f'failure_{name}.png'), full_page=False)   # what the browser showed when it gave up
            print(f"failure screenshot: {shots/f'failure_{name}.png'}")
            errors = page.locator('.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()
            print("cell errors in the page:", *[e[-1500:] for e in errors], sep='\n')
            raise
        finally: browser.close()

no_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")

@no_chromium
def test_slider_changes_decoded_image(jupyterlab):
    # The LatentExplorer is the first widget with vertical sliders; drag its first slider upwards: +σ.
    in_browser(jupyterlab, 'explore', lambda page, url, shots: drag_and_check(
        page, url, '06_explore.ipynb', '.widget-vslider', 0, 0, -80, '+0.0', str(shots/'explorer_after_drag.png')))

@no_chromium
def test_interpolation_slider_changes_image(jupyterlab):
    # The InterpolationExplorer shown for the reader: its one horizontal slider is t, at 0.50, and its second picture the
    # decode at t (the first is end A's photograph); drag the slider to the right.
    in_browser(jupyterlab, 'interpolate', lambda page, url, shots: drag_and_check(
        page, url, '06a_interpolate.ipynb', '.widget-hslider', 1, 80, 0, '0.50', str(shots/'interpolation_after_drag.png')))
