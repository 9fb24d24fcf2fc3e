"""The pull-request Markdown (review, diff, plan) as a terminal shows it. GitHub reads the HTML in
it (a comment marking orgboot's own comment, folded <details> sections, <b>, <sub>) and draws the
Mermaid diagram; rich's Markdown drops HTML blocks with what they say (a folded section would lose
its title) and shows the diagram's source. So the HTML becomes Markdown first, and the diagram a
line saying where it is drawn."""

import re

from rich.markdown import Markdown

_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_FOLDED = re.compile(r"<details(?: open)?><summary>(.*?)</summary>")
_BOLD = re.compile(r"<b>(.*?)</b>")
_TAGS = re.compile(r"</?(?:details|summary|sub|small|b)>|<br\s*/?>")
DIAGRAM = "*(the organization as a diagram: GitHub draws it from the Markdown)*"


def for_terminal(markdown: str) -> Markdown:
    return Markdown(_without_html(markdown))


def _without_html(markdown: str) -> str:
    lines: list[str] = []
    fence: str | None = None  # the fence's info string while inside one ("" for a plain fence)
    for line in _COMMENT.sub("", markdown).splitlines():
        if line.startswith("```"):
            if fence is None:
                fence = line[3:].strip()
                if fence == "mermaid":
                    lines.append(DIAGRAM)
                    continue
            else:
                closing, fence = fence, None
                if closing == "mermaid":
                    continue
        if fence == "mermaid":
            continue
        if fence is not None:  # code keeps its angle brackets
            lines.append(line)
            continue
        line = _FOLDED.sub(lambda folded: "#### " + _TAGS.sub("", folded.group(1)), line)
        lines.append(_TAGS.sub("", _BOLD.sub(r"**\1**", line)))
    return "\n".join(lines) + "\n"
