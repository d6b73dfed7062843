from django.urls import path

from . import views

urlpatterns = [
    path("matters/", views.matter_list_view, name="matter-list"),
    path("matters/<int:pk>/", views.matter_detail_view, name="matter-detail"),
]
