"""The admin app with our site class (kept apart: loaded before the app registry)."""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default_site = "participation.accounts.admin_site.StaffAdminSite"
