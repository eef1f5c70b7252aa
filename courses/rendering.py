"""Lesson Markdown to safe HTML: rendered with Markdown, then sanitised with nh3."""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4", "h5",
    "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "align"},
    "td": {"align"},
    "ol": {"start"},
}


def markdown_to_safe_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["extra", "sane_lists", "smarty"], output_format="html")
    # Headings start at h2: the lesson title is the page's h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
