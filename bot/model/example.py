"""The example phase: dated from today so a newcomer sees something upcoming.

It is loaded only by the console and `run --demo`, lives in its own programme with every
record flagged `example`, and is left out of exports; the documented data stays apart.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.model.domain import (
    Dataset,
    Event,
    EventKind,
    LocalizedText,
    Milestone,
    PartialDate,
    Phase,
    Programme,
)

PROGRAMME_ID = "example"
PHASE_ID = "example-phase"


def _text(en: str, de: str, es: str, fr: str, pt: str) -> LocalizedText:
    return LocalizedText((("en", en), ("de", de), ("es", es), ("fr", fr), ("pt", pt)))


def example_dataset(today: date) -> Dataset:
    def day(offset: int) -> PartialDate:
        return PartialDate.of(today + timedelta(days=offset))

    programme = Programme(
        id=PROGRAMME_ID,
        name=_text(
            "Example network (demo data)",
            "Beispielnetzwerk (Demodaten)",
            "Red de ejemplo (datos de demostración)",
            "Réseau d'exemple (données de démonstration)",
            "Rede de exemplo (dados de demonstração)",
        ),
        example=True,
    )
    phase = Phase(
        id=PHASE_ID,
        programme_id=PROGRAMME_ID,
        name=_text(
            "Example phase",
            "Beispielphase",
            "Fase de ejemplo",
            "Phase d'exemple",
            "Fase de exemplo",
        ),
        starts=day(-30),
        example=True,
    )
    titles = [
        (
            3,
            _text(
                "Draft action programme shared with the partner town",
                "Entwurf des Handlungsprogramms an die Partnerkommune geschickt",
                "Borrador del programa de acción enviado al municipio socio",
                "Projet de programme d'action envoyé à la commune partenaire",
                "Rascunho do programa de ação enviado ao município parceiro",
            ),
        ),
        (
            10,
            _text(
                "Comments from both town councils collected",
                "Rückmeldungen beider Stadträte eingeholt",
                "Comentarios de ambos concejos municipales recogidos",
                "Commentaires des deux conseils municipaux recueillis",
                "Comentários das duas câmaras municipais recolhidos",
            ),
        ),
        (
            24,
            _text(
                "Final action programme adopted",
                "Endgültiges Handlungsprogramm beschlossen",
                "Programa de acción final aprobado",
                "Programme d'action final adopté",
                "Programa de ação final aprovado",
            ),
        ),
    ]
    milestones = tuple(
        Milestone(
            id=f"example-m{i}",
            phase_id=PHASE_ID,
            position=i,
            title=title,
            due=day(offset),
            example=True,
        )
        for i, (offset, title) in enumerate(titles, start=1)
    )
    events = (
        Event(
            id="example-workshop",
            kind=EventKind.WORKSHOP,
            title=_text(
                "Online workshop on waste management",
                "Online-Workshop zur Abfallwirtschaft",
                "Taller en línea sobre gestión de residuos",
                "Atelier en ligne sur la gestion des déchets",
                "Workshop online sobre gestão de resíduos",
            ),
            starts=day(8),
            start_time=time(15, 0),
            end_time=time(17, 0),
            timezone="Europe/Berlin",
            online=True,
            phase_id=PHASE_ID,
            languages=("es", "de"),
            example=True,
        ),
        Event(
            id="example-secondment",
            kind=EventKind.EXPERT_SECONDMENT,
            title=_text(
                "Expert secondment: renewable energy in municipal buildings",
                "Fachentsendung: erneuerbare Energien in kommunalen Gebäuden",
                "Envío de expertos: energías renovables en edificios municipales",
                "Mission d'experts : énergies renouvelables dans les bâtiments municipaux",
                "Envio de especialistas: energias renováveis em edifícios municipais",
            ),
            starts=day(20),
            ends=day(27),
            timezone="America/La_Paz",
            place=_text("La Paz", "La Paz", "La Paz", "La Paz", "La Paz"),
            phase_id=PHASE_ID,
            example=True,
        ),
    )
    return Dataset(programmes=(programme,), phases=(phase,), milestones=milestones, events=events)
