from django.urls import path

from participation.spaces import department_views

app_name = "spaces"

urlpatterns: list = [
    path(
        "staff/departments/",
        department_views.department_list,
        name="staff_departments",
    ),
    path(
        "staff/departments/new/",
        department_views.department_create,
        name="staff_department_create",
    ),
    path(
        "staff/departments/<slug:code>/edit/",
        department_views.department_edit,
        name="staff_department_edit",
    ),
    path(
        "staff/departments/<slug:code>/sections/new/",
        department_views.section_create,
        name="staff_section_create",
    ),
    path(
        "staff/departments/<slug:code>/sections/<slug:section_code>/edit/",
        department_views.section_edit,
        name="staff_section_edit",
    ),
]
