"""The shipped notebooks, executed top to bottom by a real Jupyter client (nbclient) against our
TypeScript kernel, as a user would run them on a fresh machine (embedded local model, small
budgets); then exported to HTML and looked at in headless Chromium.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
KERNEL = "stable-eureka-ts"
VEGA = "application/vnd.vegalite.v5+json"


def _outputs(nb: Any) -> list[dict[str, Any]]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]


def _bundles(nb: Any) -> list[dict[str, Any]]:
    return [o["data"] for o in _outputs(nb) if o["output_type"] in ("display_data", "execute_result")]


def _gifs(nb: Any) -> list[bytes]:
    found = []
    for data in _bundles(nb):
        for m in re.finditer(r"data:image/gif;base64,([A-Za-z0-9+/=]+)", str(data.get("text/html", ""))):
            found.append(base64.b64decode(m.group(1)))
    return found


def _latest_run(env: str) -> Path:
    runs = sorted((NOTEBOOKS / "experiments" / env).glob("*/run.json"), key=lambda p: p.stat().st_mtime)
    assert runs, f"no run folder under notebooks/experiments/{env}"
    return runs[-1].parent


def _samples(run: Path, iteration: int = 0) -> list[dict[str, Any]]:
    files = sorted((run / f"iteration_{iteration}").glob("sample_*/sample.json"), key=lambda p: int(p.parent.name.split("_")[1]))
    return [json.loads(f.read_text()) for f in files]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Any, Path]]]:
    """Each notebook executed once (in place of a copy; the originals stay without outputs)."""
    out_dir = tmp_path_factory.mktemp("executed")
    results: dict[str, tuple[Any, Path]] = {}

    def run(name: str) -> tuple[Any, Path]:
        if name not in results:
            nb = nbformat.read(NOTEBOOKS / name, as_version=4)
            client = NotebookClient(nb, kernel_name=KERNEL, timeout=900, resources={"metadata": {"path": str(NOTEBOOKS)}})
            client.execute()
            path = out_dir / name
            nbformat.write(nb, path)
            results[name] = (nb, path)
        return results[name]

    yield run  # type: ignore[misc]


def _no_errors(nb: Any) -> None:
    errors = [o for o in _outputs(nb) if o["output_type"] == "error"]
    assert not errors, "\n".join(f"{e['ename']}: {e['evalue']}" for e in errors)


def _has_chart(nb: Any) -> None:
    charts = [d for d in _bundles(nb) if VEGA in d]
    assert charts, "no vega-lite chart was displayed"
    for d in charts:
        assert "image/svg+xml" in d and "text/html" not in d
    assert any("<path" in d["image/svg+xml"] for d in charts)
    values = [v for d in charts for ds in (d[VEGA].get("datasets") or {}).values() for v in ds] + [
        v for d in charts for v in ((d[VEGA].get("data") or {}).get("values") or [])
    ]
    assert values, "the charts carry no data"


def test_quickstart(executed: Any) -> None:
    nb, _ = executed("01_quickstart.ipynb")
    _no_errors(nb)
    _has_chart(nb)
    gifs = _gifs(nb)
    assert gifs and all(g[:6] == b"GIF89a" for g in gifs)
    assert Image.open(__import__("io").BytesIO(gifs[-1])).n_frames > 1
    run = _latest_run("cartpole")
    samples = _samples(run)
    assert len(samples) == 4
    assert all(s["failure"] is None for s in samples), "every local-model sample passes its checks"
    assert (run / "report.html").is_file()
    # the env's own reward, trained the same way: the figure the samples are compared with
    texts = "".join(str(d.get("text/plain", "")) for d in _bundles(nb))
    assert "CartPole-v1 with its own reward, trained the same way: fitness" in texts
    assert json.loads((run / "run.json").read_text())["benchmark"]["status"] == "succeeded"


def test_hand_editing(executed: Any) -> None:
    nb, _ = executed("02_hand_editing.ipynb")
    _no_errors(nb)
    _has_chart(nb)
    # edit() says where the new cell is (the front end opens it from the reply's payload, which
    # nbclient does not keep) and does not show the code a second time
    texts = "".join(str(d.get("text/plain", "")) for d in _bundles(nb))
    assert "'s reward in run.edit(...): change the code there and run that cell." in texts
    assert "await run.edit(0, " not in texts
    assert len(_gifs(nb)) >= 2
    samples = _samples(_latest_run("mountain_car_continuous"))
    edits = [s for s in samples if s["origin"] == "edit"]
    assert len(edits) == 1 and edits[0]["status"] == "trained"
    assert edits[0]["note"].startswith("pay for mechanical energy")
    # the energy reward gets the car to the flag within the small budget
    assert edits[0]["best"]["fitness"] > 50


def test_teaching(executed: Any) -> None:
    nb, _ = executed("03_teaching_reward_design.ipynb")
    _no_errors(nb)
    _has_chart(nb)
    samples = {s["note"]: s for s in _samples(_latest_run("cartpole")) if s["origin"] == "edit"}
    assert set(samples) == {"sparse", "shaped", "hacked"}
    assert samples["shaped"]["best"]["fitness"] > samples["sparse"]["best"]["fitness"]
    assert len(_gifs(nb)) >= 3


def test_html_export_shows_the_plots(executed: Any, tmp_path: Path) -> None:
    _, path = executed("03_teaching_reward_design.ipynb")
    jupyter = Path(__import__("sys").executable).parent / "jupyter"
    subprocess.run([str(jupyter), "nbconvert", "--to", "html", "--output-dir", str(tmp_path), str(path)], check=True, capture_output=True)
    html = tmp_path / (path.stem + ".html")
    text = html.read_text(encoding="utf-8")
    assert ("<svg" in text or "data:image/svg+xml" in text) and "data:image/gif;base64," in text
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is needed for this test (npm run setup installs it)"
    shot = tmp_path / "page.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,6000", f"--screenshot={shot}", html.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=np.int32)

    def near(rgb: tuple[int, int, int]) -> int:
        return int((np.abs(pixels - np.array(rgb)).max(axis=2) < 30).sum())

    # vega's default palette: blue (#4c78a8) and orange (#f58518) lines and bars
    blue, orange = near((0x4C, 0x78, 0xA8)), near((0xF5, 0x85, 0x18))
    assert blue > 200 and orange > 200, f"the screenshot shows no plot colours (blue {blue}, orange {orange} pixels)"
