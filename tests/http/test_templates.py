"""Every template compiles: a broken one would fail only on the page that
uses it, and pybabel's extraction skips it without a word, dropping its
texts from every catalogue."""


def test_every_template_compiles(app):
    names = app.jinja_env.list_templates(extensions=["html", "md", "txt"])
    assert len(names) > 40
    for name in names:
        app.jinja_env.get_template(name)  # raises TemplateSyntaxError
