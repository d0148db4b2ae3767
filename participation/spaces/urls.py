from django.urls import path

from participation.spaces import department_views, views

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
    path("staff/processes/", views.process_list, name="staff_list"),
    path("staff/processes/new/", views.process_create, name="staff_create"),
    path("staff/processes/<int:pk>/", views.process_edit, name="staff_edit"),
    path(
        "staff/processes/<int:pk>/publish/",
        views.process_publish,
        name="staff_publish",
    ),
    path(
        "staff/processes/<int:pk>/archive/",
        views.process_archive,
        name="staff_archive",
    ),
    path("staff/processes/<int:pk>/copy/", views.process_copy, name="staff_copy"),
    path(
        "staff/processes/<int:pk>/attachments/",
        views.attachment_add,
        name="staff_attachment_add",
    ),
    path(
        "staff/processes/<int:pk>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="staff_attachment_remove",
    ),
    path(
        "processes/<slug:slug>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "processes/<slug:slug>/header-image/",
        views.header_image,
        name="header_image",
    ),
]
