from django.urls import reverse


def api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def assert_problem(response, status: int) -> dict:
    """The answer is an application/problem+json of `status`, in the shape of api.problems."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body
