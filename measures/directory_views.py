"""Public pages about who takes part: Parties, their periodic reports, organisations."""

from django.views.generic import DetailView

from measures.models import Organisation, Party


class PartyDetailView(DetailView):
    model = Party
    template_name = "measures/party_detail.html"
    context_object_name = "party"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reports=self.object.reports.select_related("cycle"),
            measures=self.object.measures.published().with_list_relations()[:20],
            **kwargs,
        )


class OrganisationDetailView(DetailView):
    template_name = "measures/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.select_related("country")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=self.object.memberships.select_related("organisation"),
            members=self.object.member_links.select_related("member"),
            measures=self.object.measures.published().with_list_relations()[:20],
            **kwargs,
        )
