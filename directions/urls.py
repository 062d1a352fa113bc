app_name = "directions"

urlpatterns: list = []
