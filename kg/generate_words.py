"""The words synthetic data is made of: the two sides of the cooperation, their places,
names and ESS forms (see :mod:`kg.generate`)."""

from __future__ import annotations

from dataclasses import dataclass


def _w(text: str) -> list[str]:
    return text.split()


def _forms(text: str) -> list[tuple[str, str, int]]:
    """``"cae=CAE:3, …"``: glossary concept slug, label prefix, weight."""
    forms = []
    for item in text.split(", "):
        slug, _, rest = item.partition("=")
        label, _, weight = rest.rpartition(":")
        forms.append((slug, label, int(weight)))
    return forms


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Side:
    """One country of the cooperation and the words its data is made of."""

    code: str
    country: str
    area: str
    box: tuple[float, float, float, float]  # south, north, west, east
    regions: list[str]
    region_label: tuple[str, str]
    given: list[str]
    family: list[str]
    towns: list[str]
    town_prefixes: list[str]
    forms: list[tuple[str, str, int]]  # glossary concept slug, label prefix, weight
    delegation: tuple[str, str]


FR = Side(
    "fr",
    "france",
    "nouvelle-aquitaine",
    (43.0, 46.8, -1.6, 2.4),
    _w(
        "Médoc Libournais Entre-deux-Mers Bazadais Albret Agenais Marmandais Bergeracois "
        "Sarladais Ribéracois Nontronnais Angoumois Cognaçais Confolentais Ruffécois "
        "Saintonge Aunis Royannais Rochefortais Gâtine Mellois Thouarsais Bocage Loudunais "
        "Châtelleraudais Montmorillonnais Limousin Millevaches Combraille Xaintrie Chalosse "
        "Tursan Marsan Béarn Soule Labourd"
    ),
    ("Pays {}", "{} area"),
    _w(
        "Anne Bruno Camille Cécile Claire Damien Delphine Élodie Émilie Fabien Florence Gaëlle "
        "Hélène Hugo Inès Isabelle Jean Julien Juliette Karine Laure Léa Louis Lucie Magali "
        "Marc Marie Mathieu Nadia Nicolas Noémie Olivier Pascal Pauline Pierre Sophie Yann"
    ),
    _w(
        "Martin Bernard Dubois Robert Richard Petit Durand Moreau Laurent Lefebvre Michel "
        "Garcia Bertrand Roux Fournier Lagarde Laborde Dupont Lambert Bonnet Garnier Faure "
        "Rousseau Blanc Guérin Perrin Dupuy Lacoste Labat Duprat Castaing Bordenave Lafargue "
        "Larrieu Etcheverry Darrigrand Daguerre Lassalle Cazenave Sarrazin"
    ),
    _w(
        "Aubin Barthélemy Bazas Cadillac Castillon Créon Eymet Fumel Gujan Lesparre Marcillac "
        "Mussidan Nérac Pauillac Podensac Ribérac Sarlat Sauveterre Soulac Tonneins Uzeste "
        "Villandraut Arzacq Orthez Salies Mugron Tartas Hasparren Cambo Felletin Aubusson "
        "Bellac Confolens Jarnac Ruffec Melle Parthenay Loudun Civray Saujon Marennes"
    ),
    ["", "", "", "Saint-", "La Chapelle-", "Villeneuve-de-"],
    _forms(
        "cae=CAE:3, scop=Scop:3, scic=SCIC:2, cooperative=Coopérative:2, "
        "association=Association:5, tiers-lieu=Tiers-lieu:4, "
        "espace-de-travail-partage=Espace partagé:2, cafe-associatif=Café associatif:1, "
        "fabrique-artistique=Fabrique:1, cigales=Club CIGALES:1, "
        "monnaie-locale-complementaire=Monnaie locale:1, "
        "entreprise-d-insertion=Entreprise d'insertion:2, collectif-d-artisans=Collectif:1, "
        "reseau=Réseau:1, agence-de-developpement-economique=Agence de développement:1"
    ),
    ("Délégation française de la mission {}", "French delegation of mission {}"),
)
QC = Side(
    "qc",
    "canada",
    "province-de-quebec",
    (46.4, 48.4, -73.6, -69.6),
    _w(
        "Portneuf Jacques-Cartier Côte-de-Beaupré Île-d'Orléans Charlevoix-Est Bellechasse "
        "Lotbinière Etchemins Beauce-Sartigan Robert-Cliche Nouvelle-Beauce Montmagny L'Islet "
        "Kamouraska Témiscouata Rivière-du-Loup Basques Mékinac Maskinongé Chenaux "
        "Domaine-du-Roy Maria-Chapdelaine Lac-Saint-Jean-Est Fjord-du-Saguenay "
        "Haute-Côte-Nord Manicouagan Appalaches L'Érable Arthabaska Drummond Nicolet-Yamaska "
        "Bécancour Sources Granit Haut-Saint-François Matawinie"
    ),
    ("MRC {}", "{} regional county municipality"),
    _w(
        "Alexandre Amélie Andrée Benoît Catherine Chantal Denis Dominique Émile Étienne Félix "
        "Francis Gabrielle Geneviève Guylaine Jacques Josée Julie Lysiane Marc-André "
        "Marie-Ève Martin Maxime Mélanie Nathalie Patrice Philippe Réjean Simon Sylvain Sylvie"
    ),
    _w(
        "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Vachon Gagné Ouellet "
        "Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Simard Boucher Caron Beaulieu "
        "Cloutier Dubé Poirier Lapointe Leclerc Poulin Thibault Nadeau Landry Martel Boivin "
        "Grenier Lessard Bernier Michaud Hébert Desjardins Couture Turcotte Gingras"
    ),
    _w(
        "Agapit Alban Ambroise Anselme Basile Casimir Côme Damase Donat Élie Éloi Ferréol "
        "Fulgence Gédéon Hilarion Irénée Joachim Lambert Léon Malachie Narcisse Odilon Pacôme "
        "Placide Raymond Siméon Tite Ubald Urbain Zacharie Isidore Hubert Jude Prime Rosaire"
    ),
    ["Saint-", "Saint-", "Lac-", "Rivière-", "Notre-Dame-de-"],
    _forms(
        "cooperative-de-travail=Coopérative de travail:4, "
        "cooperative-de-solidarite=Coopérative de solidarité:3, obnl=OBNL:4, "
        "entreprise-d-economie-sociale=Entreprise d'économie sociale:2, cdec=CDEC:1, "
        "fonds-d-emprunt-communautaire=Fonds d'emprunt:1, "
        "espace-de-cotravail=Espace de cotravail:2, tiers-lieu=Tiers-lieu:2, "
        "cooperative-de-developpement-regional=Coopérative de développement:1, "
        "pole-regional-d-economie-sociale=Pôle d'économie sociale:1, "
        "collectif-d-artisans=Collectif:1, entreprise-d-insertion=Entreprise d'insertion:1, "
        "reseau=Réseau:1"
    ),
    ("Délégation québécoise de la mission {}", "Québec delegation of mission {}"),
)
SIDES = (FR, QC)
NOUNS = [
    *("La Ruche", "Le Chantier", "La Fabrique", "L'Établi", "Le Relais", "La Passerelle"),
    *("Les Jardins", "La Forge", "Le Comptoir", "L'Atelier", "Le Grenier", "La Source"),
    *("Le Fil", "La Boussole", "Les Communs", "Le Moulin", "La Marmite", "L'Escale"),
    *("La Canopée", "Le Phare", "La Grange", "Les Tisserands", "La Manufacture", "Le Sillon"),
    *("La Traverse", "La Halle", "L'Abri", "Le Carrefour", "La Main verte", "Le Vivier"),
]
VOWELS = "AEIOUYÉÈÊÎÔaeiouy"
