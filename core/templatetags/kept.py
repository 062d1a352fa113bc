"""Parts of the page shell rendered once per process (issue 10): every page repeats the navigation bar's entries, its
menu and the footer, and rendering them again (a dozen `{% url %}` reversals, translations, loops) cost about as much
as the floor's whole page.

    {% load kept %}
    {% kept current entries %}…{% endkept %}

The block is rendered the first time for each combination of the values it names, the active language and what
`{% url %}` reverses against (the URL configuration and the script prefix), then its HTML is reused as is. So a
block must show nothing of the request but those values: no CSRF token, no person's name, no count left out of them.
The values must be hashable. Kept in the process, not the shared cache: a lookup costs less than a round trip, and a
process started with new templates never reads HTML rendered by the old.
"""

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import LazyObject, empty
from django.utils.translation import get_language

register = template.Library()

KEPT = 1024  # renderings a block keeps; past it, it starts over (a handful of combinations exist in practice)


class KeptNode(template.Node):
    def __init__(self, nodelist: template.NodeList, values: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.values = values
        self.rendered: dict[tuple, str] = {}

    def render(self, context) -> str:
        key = (get_language(), get_urlconf(), get_script_prefix(), *(_plain(value.resolve(context)) for value in self.values))
        output = self.rendered.get(key)
        if output is None:
            output = self.nodelist.render(context)
            if len(self.rendered) >= KEPT:
                self.rendered.clear()
            self.rendered[key] = output
        return output


def _plain(value):
    """A lazy value (the context processors' counts) as what it wraps: a key holding the lazy object would keep the
    request its function closes over alive."""
    if isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        return value._wrapped
    return value


@register.tag
def kept(parser, token) -> KeptNode:
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, values)
