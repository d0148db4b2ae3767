from django.urls import path

from responses.drafts import views

app_name = "drafts"

urlpatterns = [
    path("staff/drafts/", views.draft_list, name="list"),
    path("staff/drafts/approvals/", views.approvals, name="approvals"),
    path("staff/drafts/templates/", views.template_list, name="templates"),
    path("staff/drafts/templates/new/", views.template_create, name="template_new"),
    path("staff/drafts/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path(
        "staff/drafts/templates/<int:pk>/delete/",
        views.template_delete,
        name="template_delete",
    ),
    path("staff/drafts/progress/", views.batch_progress, name="batch_progress"),
    path("staff/drafts/start/<int:pk>/", views.start, name="start"),
    path("staff/drafts/<int:pk>/", views.detail, name="detail"),
    path("staff/drafts/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("staff/drafts/<int:pk>/submit/", views.submit, name="submit"),
    path("staff/drafts/<int:pk>/approve/", views.approve, name="approve"),
    path("staff/drafts/<int:pk>/return/", views.return_draft, name="return"),
    path("staff/drafts/<int:pk>/publish/", views.publish, name="publish"),
    path("staff/drafts/<int:pk>/discard/", views.discard, name="discard"),
]
