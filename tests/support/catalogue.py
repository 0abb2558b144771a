"""A small, known catalogue of measures for the public listing tests: every filter has something to find."""

from dataclasses import dataclass

from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, Partner, Party
from tests.factories import make_measure, make_organisation

PUBLISHED = Measure.Status.PUBLISHED


@dataclass
class Catalogue:
    goals: dict
    areas: dict
    domains: dict
    parties: dict
    organisations: dict
    measures: dict

    def published_count(self):
        return Measure.objects.published().count()


def build_framework():
    goals = {
        number: Goal.objects.create(number=number, name_en=f"Goal {number} in English", name_fr=f"Objectif {number}")
        for number in range(1, 5)
    }
    areas = {}
    for position, (slug, goal) in enumerate(
        [
            ("cultural-and-creative-sectors", 1),
            ("partnering-with-civil-society", 1),
            ("mobility-of-artists-and-cultural-professionals", 2),
            ("gender-equality", 4),
            ("artistic-freedom", 4),
        ],
        start=1,
    ):
        name = slug.replace("-", " ").capitalize()
        areas[slug] = AreaOfMonitoring.objects.create(
            slug=slug, goal=goals[goal], position=position, name_en=name, name_fr=f"{name} (fr)"
        )
    domains = {
        slug: CulturalDomain.objects.create(slug=slug, position=position, name_en=slug.capitalize())
        for position, slug in enumerate(["music", "publishing", "design"], start=1)
    }
    return goals, areas, domains


def build_catalogue():
    goals, areas, domains = build_framework()
    parties = {
        "CAN": Party.objects.create(iso3="CAN", name_en="Canada", name_fr="Canada", electoral_group="I"),
        "FRA": Party.objects.create(iso3="FRA", name_en="France", name_fr="France", electoral_group="I"),
        "MEX": Party.objects.create(iso3="MEX", name_en="Mexico", name_fr="Mexique", electoral_group="III"),
        "SEN": Party.objects.create(iso3="SEN", name_en="Senegal", name_fr="Sénégal", electoral_group="Va"),
        "EU": Party.objects.create(iso3="", name_en="European Union", name_fr="Union européenne", kind="reio"),
    }
    organisations = {
        "cdce": make_organisation(name="Coalition for the Diversity of Cultural Expressions", slug="cdce"),
        "music": make_organisation(name="Société des musiciens", slug="musiciens"),
    }

    def measure(key, party, areas_=(), goals_ticked=(), domains_=(), **fields):
        fields.setdefault("status", PUBLISHED)
        created = make_measure(party=parties[party], **fields)
        created.areas.set([areas[slug] for slug in areas_])
        created.goals_ticked.set([goals[number] for number in goals_ticked])
        created.domains.set([domains[slug] for slug in domains_])
        return key, created

    measures = dict(
        [
            measure(
                "cdce",
                "CAN",
                areas_=["partnering-with-civil-society"],
                title="Support to other coalitions for diversity",
                main_features="Guidance to the International Meeting on the 2005 Convention at Guanajuato, Mexico.",
                results="The Mexican coalition was relaunched.",
                reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
                organisation=organisations["cdce"],
                report_year=2020,
                period_start=2016,
                period_end=2019,
            ),
            measure(
                "canada_music",
                "CAN",
                areas_=["cultural-and-creative-sectors"],
                domains_=["music"],
                title="Canada Music Fund",
                main_features="Funding for Québec and Canadian music creators.",
                report_year=2016,
                period_start=2012,
                period_end=None,
                is_youth=True,
            ),
            measure(
                "france_gender",
                "FRA",
                areas_=["gender-equality"],
                domains_=["publishing", "design"],
                title="Égalité between women and men in publishing",
                main_features="A plan for equality in publishing houses.",
                report_year=2020,
                period_start=2018,
                period_end=2021,
                is_preferential_treatment=True,
            ),
            measure(
                "mexico_mobility",
                "MEX",
                areas_=["mobility-of-artists-and-cultural-professionals"],
                goals_ticked=[3],
                title="Artist residencies abroad",
                main_features="Residencies for Mexican artists.",
                report_year=2024,
                period_start=2022,
                period_end=2023,
                is_innovative=True,
            ),
            measure(
                "senegal_freedom",
                "SEN",
                areas_=["artistic-freedom"],
                domains_=["music"],
                title="Protecting musicians' freedom of expression",
                main_features="Legal support for musicians.",
                reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
                organisation=organisations["music"],
                report_year=2024,
                period_start=2005,
                period_end=2010,
            ),
            measure(
                "eu_no_period",
                "EU",
                title="Creative Europe programme",
                main_features="Cooperation projects across Europe.",
                report_year=2016,
            ),
            measure(
                "draft",
                "CAN",
                areas_=["partnering-with-civil-society"],
                title="Draft measure about Guanajuato",
                status=Measure.Status.DRAFT,
                report_year=2020,
            ),
            measure(
                "withdrawn",
                "FRA",
                areas_=["gender-equality"],
                title="Withdrawn measure on equality",
                status=Measure.Status.WITHDRAWN,
                report_year=2020,
            ),
        ]
    )
    Partner.objects.create(
        measure=measures["mexico_mobility"], name="Fondo Nacional para la Cultura", entity_type="public"
    )
    return Catalogue(goals, areas, domains, parties, organisations, measures)


def titles(response):
    """The titles of the measures listed on a page, in order."""
    return [measure.title for measure in response.context["measures"]]


def keys(catalogue, response):
    by_pk = {measure.pk: key for key, measure in catalogue.measures.items()}
    return {by_pk[measure.pk] for measure in response.context["measures"]}
