"""The interface's own words in French and English (the data and the ontology bring
their own labels, vocabulary terms included: see the last section of ontology/ess.ttl)."""

from __future__ import annotations

# key: (French, English)
_WORDS: dict[str, tuple[str, str]] = {
    # site
    "home": ("Accueil", "Home"),
    "search": ("Rechercher", "Search"),
    "search_hint": ("un nom, avec ou sans accents", "a name, with or without accents"),
    "search_results": ("Résultats pour « {q} »", "Results for “{q}”"),
    "no_results": ("Aucun résultat.", "No results."),
    "matched": ("trouvé par", "matched"),
    "ontology": ("Ontologie", "Ontology"),
    "glossary": ("Glossaire", "Glossary"),
    "dataset": ("Jeu de données", "Dataset"),
    "network": ("Réseau des rencontres", "Network of encounters"),
    "language": ("Langue", "Language"),
    "not_found": ("Introuvable", "Not found"),
    "not_found_hint": (
        "Rien n'est connu à cette adresse. Chercher :",
        "Nothing is known at this address. Search:",
    ),  # fmt: skip
    # resource pages
    "kind": ("Type", "Type"),
    "properties": ("Détails", "Details"),
    "parts": ("Éléments", "Parts"),
    "mentioned_by": ("Mentionné par", "Mentioned by"),
    "links": ("liens", "links"),
    "page": ("page", "page"),
    "previous": ("précédente", "previous"),
    "next": ("suivante", "next"),
    "more": ("et {n} autres", "and {n} more"),
    "data": ("Données", "Data"),
    "identifier": ("Identifiant", "Identifier"),
    "external": ("lien externe", "external link"),
    "elsewhere": ("Ailleurs sur le Web", "Elsewhere on the web"),
    "sources": ("Sources", "Sources"),
    "from_to": ("du {start} au {end}", "from {start} to {end}"),
    # person
    "organisations_roles": ("Organisations et rôles", "Organisations and roles"),
    "took_part": ("A pris part à", "Took part in"),
    "people_met": ("Personnes rencontrées", "People met"),
    "met_count": (
        "{n} rencontres avec {m} personnes ou groupes",
        "{n} encounters with {m} people or groups",
    ),  # fmt: skip
    "delegation": ("membre de la délégation", "member of the delegation"),
    "attendee": ("participant", "attendee"),
    "presenter": ("intervenant", "presenter"),
    "organizer": ("organisateur", "organiser"),
    "sent": ("a envoyé une délégation", "sent a delegation"),
    "visited": ("visite", "visit"),
    "evidence": ("preuve", "evidence"),
    # organisation
    "people": ("Personnes", "People"),
    "form": ("Forme", "Form"),
    "where": ("Où", "Where"),
    "visited_by": ("Missions et visites chez elle", "Missions and visits to it"),
    "events": ("Événements", "Events"),
    "encounters_people": ("Rencontres de ses membres", "Encounters of its people"),
    "met": ("a rencontré", "met"),
    # event
    "when": ("Quand", "When"),
    "part_of": ("Dans le cadre de", "Part of"),
    "visited_org": ("Chez", "Visited"),
    "delegations": ("Délégation", "Delegation"),
    "sent_by": ("envoyée par", "sent by"),
    "size": ("{n} personnes", "{n} people"),
    "unnamed": (
        "dont les noms ne sont pas donnés par la source",
        "whose names the source does not give",
    ),  # fmt: skip
    "named": ("nommées", "named"),
    "inside": ("Visites et rencontres", "Visits and meetings"),
    "encounters": ("Rencontres", "Encounters"),
    "scheduled": ("prévu", "planned"),
    # place
    "map": ("Carte", "Map"),
    "coordinates": ("Coordonnées", "Coordinates"),
    "no_coordinates": ("sans coordonnées", "no coordinates"),
    "located_here": ("Ce qui se trouve ici", "What is located here"),
    "organisations": ("Organisations", "Organisations"),
    "places": ("Lieux", "Places"),
    "other": ("Autres", "Other"),
    # concept
    "labels": ("Libellés", "Labels"),
    "label_fr-fr": ("en France", "in France"),
    "label_fr-ca": ("au Québec", "in Québec"),
    "label_en": ("en anglais", "in English"),
    "definition": ("Définition", "Definition"),
    "correspondences": ("Correspondances", "Correspondences"),
    "in_use": ("en usage", "in use"),
    "classified": ("Organisations de cette forme", "Organisations of this form"),
    "holders": ("Personnes dans ce rôle", "People in this role"),
    "cut": (
        "Les listes les plus longues de cette page s’arrêtent à {n} entrées ; tous les liens"
        " vers cette page sont listés, page par page :",
        "The longest lists of this page stop at {n} entries; every link to this page is"
        " listed, page by page:",
    ),
    # project
    "missions": ("Missions", "Missions"),
    "mission_number": ("mission n° {n}", "mission {n}"),
    # home
    "tagline": (
        "Graphe de connaissances ouvert de l'économie sociale et solidaire",
        "An open knowledge graph of the social and solidarity economy",
    ),  # fmt: skip
    "about": (
        "Passerelles décrit la coopération interrégionale 2016-2018 entre Co-Actions, "
        "coopérative d'activité et d'emploi de Nouvelle-Aquitaine, et le Pôle des "
        "entreprises d'économie sociale de la région de la Capitale-Nationale (Québec) : "
        "qui a rencontré qui, quand, où et pourquoi.",
        "Passerelles describes the 2016–2018 interregional cooperation between Co-Actions, "
        "a business and employment cooperative in Nouvelle-Aquitaine, and the social "
        "economy hub of the Capitale-Nationale region (Québec): who met whom, when, where "
        "and why.",
    ),
    "origin": ("D'où viennent les données", "Where the data comes from"),
    "origin_text": (
        "Chaque fait est tiré du document source ou d'une source publique citée ; "
        "les rencontres sont déduites par des règles, avec leur type de preuve.",
        "Every fact comes from the source document or a cited public source; the "
        "encounters are derived by rules, each with its kind of evidence.",
    ),
    "licence": ("Licence", "Licence"),
    "counts": ("En chiffres", "In figures"),
    "n_persons": ("personnes", "people"),
    "n_organisations": ("organisations", "organisations"),
    "n_missions": ("missions", "missions"),
    "n_forums": ("forums", "forums"),
    "n_visits": ("visites", "visits"),
    "n_encounters": ("rencontres", "encounters"),
    "by_country": (
        "Organisations par pays, région et forme",
        "Organisations by country, region and form",
    ),  # fmt: skip
    "no_region": ("région non précisée", "region not given"),
    "no_form": ("forme non précisée", "form not given"),
    "timeline": ("Chronologie des missions et forums", "Timeline of the missions and forums"),
    "all_people": ("Toutes les personnes", "All the people"),
    "all": ("tout voir ({n})", "see all ({n})"),
    "earlier": ("Et {n} événements plus anciens :", "And {n} earlier events:"),
    "downloads": ("Télécharger et interroger", "Download and query"),
    "void": ("Description VoID et DCAT", "VoID and DCAT description"),
    "dump_ttl": ("Tout le graphe en Turtle (gzip)", "The whole graph in Turtle (gzip)"),
    "dump_nq": (
        "Tout le graphe en N-Quads, avec ses graphes nommés (gzip)",
        "The whole graph in N-Quads, with its named graphs (gzip)",
    ),  # fmt: skip
    "sparql": ("Point d'accès SPARQL", "SPARQL endpoint"),
    "queries": ("Requêtes nommées", "Named queries"),
    "sitemap": ("Plan du site", "Sitemap"),
    # ontology documentation
    "classes": ("Classes", "Classes"),
    "object_properties": ("Propriétés", "Properties"),
    "evidence_kinds": ("Types de preuve", "Kinds of evidence"),
    "subclass_of": ("sous-classe de", "subclass of"),
    "subproperty_of": ("sous-propriété de", "subproperty of"),
    "domain": ("domaine", "domain"),
    "range": ("portée", "range"),
    "inverse_of": ("inverse de", "inverse of"),
    "characteristics": ("caractéristiques", "characteristics"),
    "version": ("version", "version"),
    # kinds of resources (search results, lists)
    "kind_organisation": ("organisation", "organisation"),
    "kind_person": ("personne", "person"),
    "kind_event": ("événement", "event"),
    "kind_place": ("lieu", "place"),
    "kind_project": ("projet", "project"),
    "kind_concept": ("concept", "concept"),
    "kind_source": ("source", "source"),
    "kind_ontology": ("terme de l'ontologie", "ontology term"),
    # names of the parts of a resource (hash IRIs without a label of their own)
    "part_membership": ("affiliation", "membership"),
    "part_encounter": ("rencontre", "encounter"),
    "part_delegation": ("délégation", "delegation"),
    "part_objective": ("objectif", "objective"),
    "part_indicator": ("indicateur", "indicator"),
    "part_contact": ("contact", "contact point"),
    "part_association": ("rôle dans le projet", "role in the project"),
    # pictures (network, map, timeline)
    "all_missions": ("Toutes les missions", "All missions"),
    "show": ("Afficher", "Show"),
    "network_json": ("Données du réseau (JSON)", "Network data (JSON)"),
    "network_intro": (
        "Les personnes, organisations et délégations de la coopération, reliées "
        "par leurs rencontres. Un clic sur un nœud ouvre sa page.",
        "The people, organisations and delegations of the cooperation, linked "
        "by their encounters. Click a node to open its page.",
    ),
    "between": ("Qui", "Who"),
    "during": ("Pendant", "During"),
    "first_of": ("{n} premières rencontres sur {total}", "First {n} encounters of {total}"),
}

WORDS: dict[str, dict[str, str]] = {
    "fr": {key: fr for key, (fr, _) in _WORDS.items()},
    "en": {key: en for key, (_, en) in _WORDS.items()},
}


def words(lang: str) -> dict[str, str]:
    """The interface words for a reader's language (French for any fr-*, else English)."""
    return WORDS["fr" if lang.lower().startswith("fr") else "en"]


def part_words(lang: str) -> dict[str, str]:
    """What to call a part of a resource by the first word of its fragment."""
    table = words(lang)
    return {key[5:]: text for key, text in table.items() if key.startswith("part_")}
