from django.views.generic import DetailView, TemplateView

from measures.models import Measure, Party


class HomeView(TemplateView):
    template_name = "measures/home.html"

    def get_context_data(self, **kwargs):
        published = Measure.objects.published()
        return super().get_context_data(
            party_count=Party.objects.count(),
            measure_count=published.count(),
            civil_society_count=published.filter(reported_by=Measure.ReportedBy.CIVIL_SOCIETY).count(),
            latest_measures=published.with_list_relations().order_by("-published_at", "-pk")[:5],
            **kwargs,
        )


class MeasureDetailView(DetailView):
    template_name = "measures/measure_detail.html"
    context_object_name = "measure"

    def get_queryset(self):
        return (
            Measure.objects.published()
            .with_list_relations()
            .prefetch_related("partners", "goals", "areas__goal", "domains")
        )
