app_name = "implementation"

urlpatterns: list = []
