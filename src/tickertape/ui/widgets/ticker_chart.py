"""A ticker's chart: articles per period as bars, the mean sentiment as a line (-1..+1)
on the right-hand axis. Drawn by textual-plotext, in the colours of the app's theme."""

from __future__ import annotations

from collections.abc import Sequence

from textual.color import Color
from textual_plotext import PlotextPlot

from tickertape.core.index.ticker_stats import Period

_LABEL_FORMAT = {"day": "%b %d", "week": "%b %d", "month": "%b %Y"}


def _rgb(value: str | None, fallback: str) -> tuple[int, int, int]:
    color = Color.parse(value or fallback)
    return (color.r, color.g, color.b)


class TickerChart(PlotextPlot):
    """Call :meth:`show` with the periods to draw; it redraws on theme changes too."""

    DEFAULT_CSS = """
    TickerChart { height: 1fr; min-height: 8; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._periods: Sequence[Period] = ()
        self._by = "month"

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())

    def show(self, periods: Sequence[Period], by: str) -> None:
        self._periods = periods
        self._by = by
        self._draw()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        periods = self._periods
        variables = self.app.theme_variables
        bars = _rgb(variables.get("primary"), "#0178D4")
        line = _rgb(variables.get("warning"), "#ffa62b")
        if not periods:
            plt.title("No articles in this period")
            self.refresh()
            return
        xs = [float(x) for x in range(1, len(periods) + 1)]
        # Only periods with articles get a bar: plotext draws a block even for zero.
        counted = [(x, p.articles) for x, p in zip(xs, periods, strict=True) if p.articles]
        if counted:
            # plotext scales a bar's width by the mean gap between bars: sparse bars
            # would each span several periods. Undo that so every bar is 0.8 of one.
            gaps = counted[-1][0] - counted[0][0]
            width = 0.8 * (len(counted) - 1) / gaps if gaps else 0.8
            plt.bar(
                [x for x, _ in counted], [n for _, n in counted],
                color=bars, marker="hd", width=width,
            )  # fmt: skip
        means = [(x, p.mean) for x, p in zip(xs, periods, strict=True) if p.mean is not None]
        if means:
            plt.plot(
                [x for x, _ in means], [m for _, m in means],
                yside="right", color=line, marker="•",
            )  # fmt: skip
        plt.ylim(-1, 1, yside="right")  # type: ignore[arg-type]  # the stub says float
        top = max(1, max(p.articles for p in periods))
        ticks = sorted({round(top * i / 4) for i in range(5)})
        plt.ylim(0, top)
        plt.yticks([float(t) for t in ticks], [f"{t:,}" for t in ticks])
        step = max(1, len(xs) // 5)
        fmt = _LABEL_FORMAT[self._by]
        plt.xticks(xs[::step], [p.start.strftime(fmt) for p in periods][::step])
        plt.xlim(0.5, len(xs) + 0.5)
        self.refresh()
