"""Downloads carry their name safely, whatever it holds."""

from app.http.downloads import attachment


def test_a_plain_name_goes_as_it_is(app):
    with app.test_request_context():
        response = attachment(b"x", "resonanz-2026-12-01.pdf", "application/pdf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="resonanz-2026-12-01.pdf"'
    assert response.headers["Content-Type"] == "application/pdf"


def test_a_name_with_quotes_or_other_letters_cannot_break_the_header(app):
    with app.test_request_context():
        response = attachment(b"x", 'Übergänge"\r\n-texts.xlsx', "application/octet-stream")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="_berg_nge___-texts.xlsx"')
    assert disposition.endswith("filename*=UTF-8''%C3%9Cberg%C3%A4nge%22%0D%0A-texts.xlsx")
