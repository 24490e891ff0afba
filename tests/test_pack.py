"""The period pack's machinery (issue 27): kernels started ahead of their notebook, importing the notebooks' setup
modules and leaving nothing in the notebook."""
from __future__ import annotations

import pytest

from cicanalysis import batch


def test_the_kernel_warm_up_imports_every_setup_cells_modules():
    names = batch.setup_imports()
    # the scorecard's setup cell: `from cicanalysis.reports import charts, formatting, headline, publish`, ...
    assert {"pandas", "cicanalysis", "cicanalysis.reports.charts", "cicanalysis.reports.publish",
            "cicanalysis.measures.scorecard", "cicanalysis.reports.context", "IPython.display"} <= set(names)
    # and the adoption and sufficiency reports' own modules
    assert {"cicanalysis.measures.adoption", "cicanalysis.measures.sufficiency", "cicanalysis.measures.adopters"} <= set(names)


def test_the_warm_up_binds_no_name_and_skips_what_is_not_a_module():
    namespace: dict = {}
    exec(batch._warm_code(["json", "IPython.display.Markdown", "no_such_module_at_all"]), namespace)
    assert set(namespace) == {"__builtins__"}        # nothing for a notebook to find by accident


@pytest.mark.slow          # a python process of its own
def test_a_pool_worker_imports_papermill_without_the_iri_grammars_and_still_validates_notebooks():
    """In a fresh process (as a pool worker): rfc3987_syntax left out, papermill and nbconvert imported, a good
    notebook passes nbformat's validation and one with a code cell lacking its outputs is refused."""
    import subprocess
    import sys
    code = ("import sys; from cicanalysis import batch; batch.skip_iri_grammars()\n"
            "import papermill, nbformat, nbconvert\n"
            "assert sys.modules['rfc3987_syntax'] is None and 'lark' not in sys.modules\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')]); nbformat.validate(nb)\n"
            "del nb.cells[0]['outputs']\n"
            "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError as e:\n    print('refused:', e.message)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "refused: 'outputs' is a required property"


def _zlib_level(png: bytes) -> int:
    """FLEVEL of the first IDAT chunk's zlib header (0 fastest ... 3 best): PNG keeps no other trace of it."""
    import struct
    at = 8
    while True:
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if kind == b"IDAT":
            return png[at + 9] >> 6
        at += 12 + length


def test_charts_are_written_at_zlib_fastest_level_with_the_same_pixels():
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from cicanalysis.reports import charts
    fig, ax = plt.subplots(figsize=(6, 3.3))
    ax.plot([1, 2, 3], [3, 1, 2], marker="o")
    ax.set_title("A chart")
    fast = charts.png(fig)
    default = io.BytesIO()
    fig.savefig(default, format="png", dpi=charts.DPI * charts.SCALE)
    plt.close(fig)
    assert _zlib_level(fast) == 0 and _zlib_level(default.getvalue()) == 2     # fastest, PIL's default (6)
    a, b = Image.open(io.BytesIO(fast)), Image.open(default)
    assert a.size == b.size == (1080, 594) and a.tobytes() == b.tobytes()


@pytest.mark.slow
def test_a_notebook_runs_in_a_kernel_started_ahead_with_its_modules_imported_and_nothing_else(tmp_path):
    import nbformat
    import papermill as pm
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os, sys\nwarm = 'cicanalysis.reports.charts' in sys.modules\n"
                                          "print(warm, os.path.basename(os.getcwd()))"),
                nbformat.v4.new_code_cell("print(sorted(n for n in dir() if n.startswith('_cic')), _cic_missing)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = tmp_path / "probe.ipynb"
    nbformat.write(nb, src)
    kernel = batch._Kernel(batch._warm_code(["cicanalysis.reports.charts"]))
    try:
        pm.execute_notebook(str(src), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
                            km=kernel.take())
    except pm.PapermillExecutionError:
        pass                                         # the second cell's NameError: the warm-up left no _cic name
    finally:
        kernel.shutdown()
    out = nbformat.read(tmp_path / "out.ipynb", 4)
    first, second = [c for c in out.cells if c.cell_type == "code"]        # (papermill adds a markdown cell on error)
    assert first.outputs[0]["text"].strip() == "True notebooks"      # imported ahead, in the notebooks' folder
    assert first.execution_count == 1                               # the warm-up counted no execution
    assert second.outputs[0]["ename"] == "NameError" and "_cic_missing" in second.outputs[0]["evalue"]
    from jupyter_core.utils import run_sync
    assert not run_sync(kernel.km.is_alive)()                       # shut down


@pytest.mark.slow
def test_a_kernel_that_died_before_its_notebook_is_not_handed_over():
    import os
    import signal
    import time
    kernel = batch._Kernel("import time; time.sleep(60)")
    try:
        time.sleep(1)
        os.kill(kernel.km.provisioner.process.pid, signal.SIGKILL)
        t = time.perf_counter()
        assert kernel.take() is None                # papermill then starts its own kernel
        assert time.perf_counter() - t < 10         # seen within a second or two, not after the 120 s wait
    finally:
        kernel.shutdown()


def test_a_pdf_prints_in_the_browsers_thread_while_the_run_takes_the_next_result(tmp_path, monkeypatch):
    """record() queues a report's PDF and returns at once (the next notebook's outcome is taken while it prints);
    the period's last outcome waits for every PDF of the period, each result carrying its PDF's message, before
    the period is moved into place; every print (and the browser's close) runs in one thread, not the caller's."""
    import threading

    import pandas as pd
    p = pd.Timestamp("2016-03-31")
    release, threads, finished = threading.Event(), set(), []

    def fake_pdf(name, *args):
        threads.add(threading.get_ident())
        assert release.wait(10)
        return "" if name == "scorecard" else f"PDF not written: {name}"

    class FakePrinter:
        def close(self):
            threads.add(threading.get_ident())

    monkeypatch.setattr(batch, "_pdf", fake_pdf)
    monkeypatch.setattr(batch, "_keep_previous", lambda *a: None)
    monkeypatch.setattr(batch.publish, "write_period_files", lambda *a: [])
    monkeypatch.setattr(batch, "_finish", lambda p, tmp, out, results, *a: finished.append(
        [(r.notebook, r.message) for r in results]))
    from concurrent.futures import ThreadPoolExecutor
    run = batch._Run({p: ["scorecard", "adopters_journey"]}, tmp_path, tmp_path, progress=False)
    run.tmps, run.printer = {p: tmp_path}, FakePrinter()
    run.prints, run.files = ThreadPoolExecutor(max_workers=1), ThreadPoolExecutor(max_workers=1)
    run.record(p, "scorecard", True, "")                 # its PDF is blocked, and record has returned
    assert finished == [] and [r.notebook for r in run.results[p]] == ["scorecard"]
    threading.Timer(0.2, release.set).start()
    run.record(p, "adopters_journey", True, "")          # the last: waits for both PDFs
    assert finished == [[("scorecard", ""), ("adopters_journey", "PDF not written: adopters_journey")]]
    run._close(None, None)
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_one_html_exporter_a_process_writes_what_a_new_one_writes(tmp_path):
    """export_html keeps its nbconvert exporter (templates compiled once): a notebook exported after another with
    it reads byte for byte as with an exporter of its own."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    def notebook(k):
        shown = f"<h2 id='S{k}'>Section {k}</h2><img src='data:image/png;base64,AAAA' alt='a{k}'>"
        cell = new_code_cell("x", outputs=[new_output("display_data", data={"text/html": shown})])
        nb = new_notebook(cells=[new_markdown_cell(f"## Heading {k}\n\nText *{k}*."), cell])
        path = tmp_path / f"n{k}.ipynb"
        nbformat.write(nb, path)
        return path

    one, two = notebook(1), notebook(2)
    batch._EXPORTERS.clear()
    batch.export_html(one, tmp_path / "one.html", "T", "2016-03-31", "A", "S")
    batch.export_html(two, tmp_path / "two.html", "T", "2016-03-31", "A", "S")     # the same exporter
    kept = batch._EXPORTERS[0]
    batch._EXPORTERS.clear()
    batch.export_html(two, tmp_path / "two-alone.html", "T", "2016-03-31", "A", "S")
    assert batch._EXPORTERS[0] is not kept
    assert (tmp_path / "two.html").read_bytes() == (tmp_path / "two-alone.html").read_bytes()
    assert "Section 2" in (tmp_path / "two.html").read_text() and "Section 1" not in (tmp_path / "two.html").read_text()


def test_the_exporter_made_ahead_in_a_thread_is_the_one_export_html_uses():
    import threading
    batch._EXPORTERS.clear()
    batch._exporter_ahead()                       # a thread makes it while the caller goes on
    got = []
    threads = [threading.Thread(target=lambda: got.append(batch._exporter())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(batch._EXPORTERS) == 1 and all(e is batch._EXPORTERS[0] for e in got)


def test_the_exporter_is_first_used_ahead_on_a_valid_notebook_of_the_reports_kinds_of_output():
    import nbformat
    nb = batch._warm_notebook()
    nbformat.validate(nb)
    body, _ = batch._exporter().from_notebook_node(nb)
    assert [body.count(s) for s in ("<h2", "<p>x</p>", "<strong>b</strong>", "x\n")] == [2, 1, 1, 1]


@pytest.mark.slow
def test_a_kernel_reused_for_a_second_notebook_keeps_its_modules_and_nothing_else(tmp_path):
    """One kernel, two notebooks (as a pool worker runs them): the second finds the first's modules imported but
    none of its names, no open figure, and counts its cells from 1."""
    import nbformat
    import papermill as pm

    def notebook(name: str, *sources: str) -> str:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, tmp_path / f"{name}.ipynb")
        return str(tmp_path / f"{name}.ipynb")

    first = notebook("first", "import colorsys\nleftover = 41", "import matplotlib\nmatplotlib.use('Agg')\n"
                     "import matplotlib.pyplot as plt\nplt.figure(); leftover += 1; leftover")
    second = notebook("second", "import sys\nprint('colorsys' in sys.modules, sys.modules['matplotlib.pyplot'].get_fignums())",
                      "print(sorted(n for n in ('leftover', 'plt', 'matplotlib', '_cic_reset') if n in dir()))")
    kernel = batch._Kernel(batch._warm_code([]))
    try:
        pm.execute_notebook(first, str(tmp_path / "first.out.ipynb"), kernel_name="python3", progress_bar=False,
                            km=kernel.take())
        assert kernel.take() is kernel.km                             # asked again: the same kernel, at once
        papermills = kernel.km.__dict__["_cic_clients"]
        assert [c.channels_running for c in papermills] == [True]
        assert kernel.reuse()
        assert [c.channels_running for c in papermills] == [False]    # papermill's client disconnected
        pm.execute_notebook(second, str(tmp_path / "second.out.ipynb"), kernel_name="python3", progress_bar=False,
                            km=kernel.take())
    finally:
        kernel.shutdown()
    one = nbformat.read(tmp_path / "first.out.ipynb", 4).cells
    two = nbformat.read(tmp_path / "second.out.ipynb", 4).cells
    assert one[1].outputs[0]["data"]["text/plain"] == "42"
    assert two[0].outputs[0]["text"].strip() == "True []"      # the module is still imported; the figure was closed
    assert two[1].outputs[0]["text"].strip() == "[]"           # none of the first notebook's names, nor the reset's
    assert [c.execution_count for c in two] == [1, 2]          # counted from 1 again


class _FakeKernel:
    def __init__(self, alive: bool = True):
        self.alive, self.reused, self.shut = alive, 0, 0

    def reuse(self) -> bool:
        self.reused += 1
        return self.alive

    def shutdown(self) -> None:
        self.shut += 1


@pytest.mark.parametrize("left, alive, interrupted, kept, started", [
    (2, True, False, True, False),     # notebooks to come: the kernel is reset and kept
    (0, True, False, False, False),    # none to come: shut down, none started
    (2, False, False, False, True),    # it died: shut down, a new one started for the next notebook
    (2, True, True, False, False),     # Ctrl-C: shut down, none started
])
def test_after_a_notebook_the_worker_keeps_its_kernel_only_while_notebooks_are_to_come(monkeypatch, left, alive,
                                                                                        interrupted, kept, started):
    import multiprocessing
    new = _FakeKernel()
    monkeypatch.setattr(batch, "_start_kernel", lambda: new)
    monkeypatch.setitem(batch._AHEAD, "left", multiprocessing.Value("i", left))
    monkeypatch.setitem(batch._AHEAD, "kernel", None)
    kernel = _FakeKernel(alive)
    batch._after_notebook(kernel, interrupted)
    assert (batch._AHEAD["kernel"] is kernel) == kept and (batch._AHEAD["kernel"] is new) == started
    assert kernel.shut == (0 if kept else 1)
    batch._AHEAD["kernel"] = None
    batch._after_notebook(None, False)                        # papermill started its own: one is started if needed
    assert (batch._AHEAD["kernel"] is new) == (left > 0)


def test_the_run_starts_its_workers_before_the_callers_load_and_a_load_error_writes_nothing(tmp_path, monkeypatch):
    from cicanalysis.core.errors import CicError
    order = []

    class Pool:
        def shutdown(self, **kw):
            order.append("pool shut down")

    monkeypatch.setattr(batch, "_start_pool", lambda jobs, n: (order.append(f"pool of {jobs} for {n}"), (None, Pool()))[1])

    def load():
        order.append("load")
        raise CicError("period 31/01/2031 is after the extract date", rule="period within the extract")
    with pytest.raises(CicError):
        batch.run(["2016-03-31"], tmp_path / "data", tmp_path / "out", jobs=2, extract=load)
    assert order == ["pool of 2 for 4", "load", "pool shut down"]
    assert not (tmp_path / "out").exists()                   # nothing written for a run refused in one line


@pytest.mark.slow
def test_an_executed_notebook_is_saved_once_when_it_ends_even_when_its_kernel_dies(tmp_path, monkeypatch):
    """batch.execute's engine writes the notebook as it ends, not at every cell (papermill's default writes it twice
    a cell): written as it starts and ends, and the outputs so far kept when the kernel dies in a cell."""
    import nbformat
    import papermill as pm
    import papermill.iorw
    from cicanalysis.reports import specs
    writes = []
    real = papermill.iorw.write_ipynb
    monkeypatch.setattr(pm.engines, "write_ipynb", lambda nb, path: (writes.append(path), real(nb, path))[1])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('first')"),
                                         nbformat.v4.new_code_cell("x = 2"),
                                         nbformat.v4.new_code_cell("import os\nif crash: os._exit(1)"),
                                         nbformat.v4.new_code_cell("print('last')")])
    nb.cells.insert(0, nbformat.v4.new_code_cell("crash = False", metadata={"tags": ["parameters"]}))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "probe.ipynb")
    monkeypatch.setattr(batch, "NOTEBOOK_DIR", tmp_path)
    monkeypatch.setitem(specs.NOTEBOOKS, "probe", ("probe.ipynb", "Probe", lambda p: True))
    monkeypatch.setattr(batch, "NOTEBOOKS", specs.NOTEBOOKS)
    import pandas as pd
    (tmp_path / "ran").mkdir()
    (tmp_path / "crashed").mkdir()
    out = batch.execute("probe", pd.Timestamp("2016-03-31"), tmp_path, tmp_path / "ran", {"crash": False})
    assert len(writes) == 2            # as it starts (no output yet) and as it ends; papermill's own engine: 12
    assert "last" in nbformat.read(out, 4).cells[-1].outputs[0]["text"]
    writes.clear()
    with pytest.raises(Exception, match="(?i)dead|died"):
        batch.execute("probe", pd.Timestamp("2016-03-31"), tmp_path, tmp_path / "crashed", {"crash": True})
    kept = nbformat.read(tmp_path / "crashed" / "probe.ipynb", 4)
    assert len(writes) == 2 and [c.outputs[0]["text"].strip() for c in kept.cells[2:3]] == ["first"]


class _Channel:
    """A channel that hands out ``messages`` in turn (None: nothing came within the wait), noting each wait."""

    def __init__(self, messages):
        self.messages, self.waits = list(messages), []

    async def get_msg(self, timeout=None):
        from queue import Empty
        self.waits.append(timeout)
        if not self.messages or self.messages[0] is None:
            if self.messages:
                self.messages.pop(0)
            raise Empty
        return self.messages.pop(0)


class _Client:
    def __init__(self, shell, iopub, alive=True):
        self.shell_channel, self.iopub_channel, self.alive = _Channel(shell), _Channel(iopub), alive
        self.asked, self.handled = 0, []

    def kernel_info(self):
        self.asked += 1

    async def _async_is_alive(self):
        return self.alive

    def _handle_kernel_info_reply(self, msg):
        self.handled.append(msg)


def test_a_notebooks_client_is_ready_once_the_kernel_answered_and_iopub_delivers_without_waiting_for_silence():
    """As jupyter_client: the kernel asked for its info again while IOPub has not delivered (a subscription not yet
    made); then what IOPub holds is dropped without waiting (jupyter_client waits for 0.2 s of silence)."""
    from jupyter_core.utils import run_sync
    reply = {"msg_type": "kernel_info_reply"}
    client = _Client(shell=[reply, reply], iopub=[None, {"status": "busy"}, {"status": "idle"}, {"status": "x"}])
    run_sync(batch._wait_for_ready)(client, timeout=10)
    assert client.asked == 2 and client.handled == [reply]          # the first reply came before IOPub delivered
    assert client.iopub_channel.messages == []                       # IOPub drained
    assert client.iopub_channel.waits == [0.2, 0.2, 0, 0, 0]         # after the check, never a wait
    dead = _Client(shell=[None], iopub=[], alive=False)
    with pytest.raises(RuntimeError, match="died"):
        run_sync(batch._wait_for_ready)(dead, timeout=10)
    assert issubclass(batch._ready_client(), __import__("jupyter_client").asynchronous.AsyncKernelClient)
