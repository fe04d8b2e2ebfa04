"""The real cases of the source documents, as data for demo loaders and tests.

Seed 001: Regionala utvecklingsnämnden (RUN) 2020-03-24, § 34-41 (co-financing
applications from anslag 1:1). Seed 002: the Life Science innovation-support case.
Texts are abridged from the protocol; Dnr, NYPS-ids, amounts and financiers are exact.

Funding types (financing rows, codes of financing.models.FundingCode): region_1_1,
other_region_1_1, other_region_own, region_own, eruf, esf_plus, interreg,
tillvaxtverket, municipality, university, private, other.
"""

from decimal import Decimal as D

CONDITIONS = "Region Norrbottens villkor för regionala projektstöd ska följas."
FROM_GRANT = "Medlen anvisas ur det statliga anslaget 1:1."

ORGANISATIONS = {
    # name: (kind, org_number or None)
    "Region Norrbotten": ("region", "232100-0230"),
    "Region Västerbotten": ("region", "232100-0222"),
    "Luleå tekniska universitet": ("university", "202100-2841"),
    "Umeå universitet": ("university", "202100-2874"),
    "Umeå universitet holding": ("company", None),
    "Luleå kommun": ("municipality", "212000-2650"),
    "Kalix kommun": ("municipality", None),
    "Arvidsjaurs kommun": ("municipality", None),
    "Piteå kommun": ("municipality", None),
    "Skellefteå kommun": ("municipality", None),
    "Umeå kommun": ("municipality", None),
    "Bodens kommun": ("municipality", None),
    "Älvsbyns kommun": ("municipality", None),
    "Lycksele kommun": ("municipality", None),
    "Norsjö kommun": ("municipality", None),
    "Kommuner i Västerbotten och Norrbotten": ("municipality", None),
    "Piteå Science Park AB": ("company", None),
    "PiteEnergi AB": ("municipal_company", None),
    "Sparbanken Nord": ("company", None),
    "RISE Research Institutes of Sweden AB": ("company", None),
    "Industriellt utvecklingscentrum Norr (IUC)": ("company", None),
    "Energikontor Norr AB": ("company", None),
    "Skellefteå Science City": ("company", None),
    "Winning Innovation AB": ("company", None),
    "Vattenfall AB": ("company", None),
    "Gällivare näringsliv AB": ("municipal_company", None),
    "Boden Utveckling AB": ("municipal_company", None),
    "Luleå Business Region AB": ("municipal_company", None),
    "Storuman kommunföretag AB": ("municipal_company", None),
    "Ericsson AB": ("company", None),
    "Handelskammarens Service, AC län": ("company", None),
    "Norrbottens Handelskammare": ("association", None),
    "Nordic Industry Locations AB": ("company", None),
    "Medverkande företag": ("company", None),
    "Deltagande företag": ("company", None),
    "ERUF": ("eu_fund", None),
    "Tillväxtverket": ("agency", "202100-5232"),
}

RUS_AREAS = [
    # name, report priority (projects.models.ReportPriority)
    ("Hög livskvalitet i attraktiva livsmiljöer", "attractive"),
    ("Smarta, hållbara innovationer och entreprenörskap", "innovation"),
    ("Flexibel och väl fungerande kompetensförsörjning", "skills"),
    ("Hållbara transporter och tillgänglighet", "attractive"),
    ("Internationellt samarbete och påverkan", "international"),
    ("Övriga prioriterade områden", "other"),
]

SMART_AREAS = [
    "Energiteknik",
    "Arktiska testbäddar",
    "Smarta samhällen",
    "Digitala tjänster",
    "Besöksnäring",
    "Kulturella och kreativa näringar",
    "Rymdteknik",
    "Hälsa och life science",
]

# The RUN meeting of 2020-03-24 (seed 001), for the meeting loader of the decisions app.
RUN_MEETING = {
    "date": "2020-03-24",
    "time": "09:00",
    "place": "Regionhuset, Luleå",
    "first_paragraph": 22,
    "adjuster": "Lage Hortlund",
}


def rows(*items):
    """(financier, funding type, amount applied[, in kind]) tuples -> dicts."""
    out = []
    for item in items:
        name, funding_type, amount, *rest = item
        out.append(
            {
                "financier": name,
                "funding_type": funding_type,
                "amount": D(amount),
                "in_kind": bool(rest and rest[0]),
            }
        )
    return out


SEED_CASES = [
    {
        "paragraph": 34,
        "number": 52,
        "year": 2020,
        "nyps_id": "20204867",
        "project_title": "Digital transformation för god och nära vård i Norrbotten och Västerbotten",
        "applicant": "Region Västerbotten",
        "owner": "Region Västerbotten",
        "partners": ["Kommuner i Västerbotten och Norrbotten", "Region Norrbotten"],
        "start_date": None,
        "end_date": None,
        "requested": D("1399732"),
        "total_budget": D("25561990"),
        "involves_healthcare": True,
        "rus": ["Hög livskvalitet i attraktiva livsmiljöer"],
        "smart": ["Smarta samhällen", "Hälsa och life science"],
        "main_aims": [],
        "summary": (
            "Den utmaning som projektet vill lösa är att skapa en struktur och systematik för "
            "införande av digitala verktyg i deltagande kommuner och regioner enligt en norsk "
            "strategi fastställd av Kommunesektorens organisasjon (KS)."
        ),
        "background": (
            "Norrland står inför en svårhanterlig sjukvårdsekonomi, demografi och långa avstånd "
            "mellan vårdinrättningar. Västerbotten och Norrbotten ingår i ett nationellt "
            "identifierat pilotområde för omställningen till God och nära vård."
        ),
        "purpose": (
            "Att skapa struktur och systematik för införande av digitala verktyg i åtta kommuner "
            "i Västerbotten, sex kommuner i Norrbotten samt för Region Västerbotten och Region "
            "Norrbotten."
        ),
        "implementation": (
            "Projektet analyserar och anpassar den norska modellen, implementerar en gemensam "
            "struktur och inför minst två digitala tjänster i varje medverkande kommun."
        ),
        "expected_results": (
            "Kommuninvånare har tillgång till vårdgivare via distansteknik och ett högre "
            "användande av digitala lösningar inom hemsjukvård och hemtjänst."
        ),
        "statement": (
            "Projektet har goda intentioner och adresserar en för Norrbotten viktig fråga. Men då "
            "projektet saknar intern förankring bedöms förutsättningarna för genomförandet inte goda."
        ),
        "outcome": "rejected",
        "decision_points": [
            "Regionala utvecklingsnämnden beslutar att avslå ansökan om den sökta "
            "medfinansieringen på 1 399 732 kronor."
        ],
        "rejection_reason": (
            "Projektet har inte behandlats av utvecklingsrådet och är således inte prioriterat "
            "eller förankrat."
        ),
        "granted": None,
        "special_conditions": [],
        "financing": rows(
            ("Kommuner i Västerbotten och Norrbotten", "municipality", "10306800"),
            ("ERUF", "eruf", "12000000"),
            ("Region Västerbotten", "other", "1855458"),
            ("Region Norrbotten", "region_1_1", "1399732"),
        ),
        "motions": [],
        "recipients": ["Regional utvecklingsdirektör"],
    },
    {
        "paragraph": 35,
        "number": 53,
        "year": 2020,
        "nyps_id": "20204888",
        "project_title": "DioD Digital och Delaktig",
        "applicant": "Luleå kommun",
        "owner": "Luleå kommun",
        "partners": ["Kalix kommun", "Arvidsjaurs kommun", "Luleå tekniska universitet"],
        "start_date": None,
        "end_date": None,
        "requested": D("1754698"),
        "total_budget": D("6886900"),
        "involves_healthcare": False,
        "rus": ["Hög livskvalitet i attraktiva livsmiljöer"],
        "smart": ["Digitala tjänster"],
        "main_aims": ["equality"],
        "summary": (
            "Projektet ska ta fram en digital plattform för ökad möjlighet till delaktighet i "
            "samhället genom anpassade lösningar som uppfyller behov hos målgruppen äldre "
            "personer över 65 år. Lösningen ska inkludera vård- och omsorg."
        ),
        "background": (
            "Då allt fler av samhällets tjänster förmedlas digitalt är det en viktig "
            "jämställdhetsfråga att skapa möjligheter till digital delaktighet för äldre."
        ),
        "purpose": (
            "Att ta fram en lättanvänd individanpassad och skalbar plattform som syftar till att "
            "öka den digitala delaktigheten för äldre inom kommunal vård och omsorg."
        ),
        "implementation": (
            "Projektägare är Socialförvaltningen Luleå kommun. Delprojektledare utses i Luleå, "
            "Kalix och Arvidsjaur; Luleå tekniska universitet ansvarar för tjänstedesign och "
            "utvärdering."
        ),
        "expected_results": (
            "Att seniora invånare oavsett tid och plats kan bibehålla eller öka sin delaktighet "
            "i samhällslivet."
        ),
        "social_sustainability": (
            "Tjänstedesign med jämställdhetsintegrering, lika möjligheter och icke diskriminering."
        ),
        "environmental_sustainability": (
            "Digitala behovsanpassade tjänster kan minska behovet av transporter."
        ),
        "economic_sustainability": "Plattformen har potential att främja lokal tillväxt.",
        "statement": (
            "Att skapa möjligheter till ökad digital delaktighet för äldre personer är speciellt "
            "viktigt i ett län som Norrbotten med stora demografiska och geografiska utmaningar."
        ),
        "outcome": "granted",
        "decision_points": [
            "Projektet DioD Digital och Delaktig beviljas medfinansiering med 1 754 698 kronor.",
            FROM_GRANT,
            CONDITIONS,
        ],
        "granted": D("1754698"),
        "special_conditions": [],
        "financing": rows(
            ("Luleå kommun", "municipality", "1105966"),
            ("Kalix kommun", "municipality", "195732"),
            ("Arvidsjaurs kommun", "municipality", "195732"),
            ("Luleå tekniska universitet", "university", "318699"),
            ("Region Norrbotten", "region_1_1", "1754698"),
            ("ERUF", "eruf", "3316073"),
        ),
        "motions": [],
        "recipients": ["Regionala utvecklingsdirektören"],
    },
    {
        "paragraph": 36,
        "number": 35,
        "year": 2020,
        "nyps_id": "20204814",
        "project_title": "Arctic Solar 2.0",
        "applicant": "Piteå Science Park AB",
        "owner": "Piteå Science Park AB",
        "partners": ["RISE Research Institutes of Sweden AB", "PiteEnergi AB"],
        "start_date": "2020-09-01",
        "end_date": "2023-02-28",
        "requested": D("1222867"),
        "total_budget": D("6114325"),
        "involves_healthcare": False,
        "rus": ["Hög livskvalitet i attraktiva livsmiljöer"],
        "smart": ["Energiteknik", "Arktiska testbäddar"],
        "main_aims": ["environment"],
        "summary": (
            "Piteå Science Park AB vill som projektägare verka för att öka efterfrågan på solel "
            "bland länets små och medelstora företag genom att öka kunskapen om solel i kallt "
            "klimat och testa nya koncept och affärsmodeller."
        ),
        "background": (
            "Solenergi är det förnybara energislag som växer snabbast i världen, men är ett "
            "relativt outvecklat område i övre Norrland. Projektet bygger vidare på Arctic Solar "
            "och SunCold."
        ),
        "purpose": "Projektet syftar till att öka efterfrågan på investeringar i solel i Norrbotten.",
        "implementation": (
            "Seminarier, företagsbesök, workshops och informationsinsatser utifrån ett "
            "behovsstyrt arbetssätt."
        ),
        "expected_results": (
            "Efterfrågan på och investeringar i solel hos små och medelstora företag har ökat."
        ),
        "social_sustainability": (
            "Extern kompetens för att göra aktiviteterna mer tillgängliga för kvinnor."
        ),
        "environmental_sustainability": (
            "Öka användningen av förnybar el och effektivisera utbytet från solceller i regionen."
        ),
        "economic_sustainability": "Fler arbetstillfällen inom installatörs- och projektörsföretag.",
        "statement": (
            "Projektet överensstämmer med de prioriterade fokusområdena Energiteknik samt "
            "Arktiska testbäddar enligt strategin för Smart Specialisering i Norrbotten."
        ),
        "outcome": "granted",
        "decision_points": [
            "Projektet Arctic Solar 2.0 beviljas 1 222 867 kr i medfinansiering.",
            "Medlen anvisas ur 1:1 anslaget med 1 222 867 kr.",
            CONDITIONS,
        ],
        "granted": D("1222867"),
        "special_conditions": [],
        "financing": rows(
            ("Region Norrbotten", "region_1_1", "1222867"),
            ("Piteå kommun", "municipality", "611432"),
            ("PiteEnergi AB", "private", "611432"),
            ("Sparbanken Nord", "private", "611432"),
            ("ERUF", "eruf", "3057162"),
        ),
        "motions": [],
        "recipients": ["Regional utvecklingsdirektör"],
    },
    {
        "paragraph": 37,
        "number": 54,
        "year": 2020,
        "nyps_id": "20204898",
        "project_title": "Datacenter Innovation Region – Tillväxt och Export",
        "applicant": "RISE Research Institutes of Sweden AB",
        "owner": "RISE Research Institutes of Sweden AB",
        "partners": ["Luleå Business Region AB", "Boden Utveckling AB", "Ericsson AB"],
        "start_date": "2020-06-01",
        "end_date": "2023-06-30",
        "requested": D("3500000"),
        "total_budget": D("16912509"),
        "involves_healthcare": False,
        "rus": ["Smarta, hållbara innovationer och entreprenörskap"],
        "smart": ["Digitala tjänster", "Energiteknik"],
        "main_aims": ["diversity"],
        "summary": (
            "Projektet bygger vidare på Datacenter Innovation Region (DIR) och stöttar SMF i "
            "datacenterbranschen i syfte att öka deras konkurrenskraft genom "
            "marknadsanpassning, marknadskommunikation och marknadsnärvaro."
        ),
        "background": (
            "Storskaliga datacenter har mycket gemensamt med annan elintensiv basindustri. "
            "Regionala SMF som erbjuder specialiserade tjänster har börjat diversifiera "
            "regionens näringsliv."
        ),
        "purpose": (
            "Att stötta tillväxt, export och innovation i regionala små och medelstora företag "
            "kopplat till storskalig datahantering och datacenter."
        ),
        "implementation": (
            "Behovsbaserade insatser för tillväxt och export i samarbete med Handelskammaren, "
            "IUC Norr, Arctic Business, Uminova, LTU Business och Business Sweden."
        ),
        "expected_results": (
            "Företag inom datacenterrelaterad verksamhet i Övre Norrland är väl rustade för "
            "expansion nationellt och internationellt."
        ),
        "social_sustainability": (
            "Jämställdhets- och mångfaldsfrämjande insatser, t.ex. inkluderande rekrytering."
        ),
        "statement": (
            "Projektet svarar mot Norrbottens regionala utvecklings- och innovationsstrategi samt "
            "datacenterstrategin genom att främja ett hållbart utnyttjande av regionens "
            "elkraftproduktion."
        ),
        "outcome": "granted",
        "decision_points": [
            "Projektet Datacenter Innovation Region – Tillväxt och Export beviljas 3 500 000 "
            "kronor i medfinansiering.",
            "Medlen anvisas ur det statliga 1:1 anslaget.",
            "Region Norrbottens Villkor för regionala projektstöd ska följas.",
        ],
        "granted": D("3500000"),
        "special_conditions": [],
        "financing": rows(
            ("Tillväxtverket", "eruf", "8456255"),
            ("Region Norrbotten", "region_1_1", "3500000"),
            ("Region Västerbotten", "other_region_1_1", "3500000"),
            ("Boden Utveckling AB", "municipality", "134970"),
            ("Luleå Business Region AB", "municipality", "134970"),
            ("Lycksele kommun", "municipality", "118620"),
            ("Norsjö kommun", "municipality", "134970"),
            ("Skellefteå kommun", "municipality", "134970"),
            ("Storuman kommunföretag AB", "municipality", "73620"),
            ("Umeå kommun", "municipality", "134970"),
            ("Ericsson AB", "private", "155420"),
            ("Handelskammarens Service, AC län", "private", "107976"),
            ("Norrbottens Handelskammare", "private", "107976"),
            ("Nordic Industry Locations AB", "private", "117792"),
            ("Luleå Business Region AB", "private", "100000"),
        ),
        "motions": [],
        "recipients": ["Regional utvecklingsdirektör"],
    },
    {
        "paragraph": 38,
        "number": 48,
        "year": 2020,
        "nyps_id": "20204909",
        "project_title": "ADDIFAB - Den additiva digitalstödda idéfabriken 4.0",
        "applicant": "Luleå tekniska universitet",
        "owner": "Luleå tekniska universitet",
        "partners": ["Kalix kommun", "Piteå kommun", "Skellefteå kommun"],
        "start_date": "2020-06-01",
        "end_date": "2023-04-30",
        "requested": D("1791025"),
        "total_budget": D("8955127"),
        "involves_healthcare": False,
        "rus": ["Smarta, hållbara innovationer och entreprenörskap"],
        "smart": ["Digitala tjänster"],
        "main_aims": [],
        "summary": (
            "Luleå tekniska universitet vill initiera eller öka exporten för tillverkande små och "
            "medelstora företag i Övre Norrland genom en omställning till Industri 4.0, särskilt "
            "additiv tillverkning (3D-printing) av metalliska produkter."
        ),
        "background": (
            "Additiv tillverkning ses som en nyckelteknologi inom Industri 4.0. Regionens "
            "tillverkande SMF behöver följa med i den industriella revolutionen."
        ),
        "purpose": "Att öka exporten för tillverkande SMF genom omställning till Industri 4.0.",
        "implementation": (
            "Åtta pilotföretag och ytterligare SMF engageras i kompetensutveckling, tester och "
            "en samverkansplattform för Industri 4.0."
        ),
        "expected_results": (
            "24 SMF är väl förtrogna med Industri 4.0 och ett bestående nätverk med "
            "samverkansplattform har skapats."
        ),
        "statement": (
            "Projektet svarar mot den regionala utvecklingsstrategin och strategin för smart "
            "specialisering: digitalisering som skapar global konkurrenskraft."
        ),
        "outcome": "granted",
        "decision_points": [
            "Projektet ADDIFAB - Den additiva digitalstödda idéfabriken 4.0 beviljas "
            "1 791 025 kr i medfinansiering.",
            "Medlen anvisas ur 1:1 anslaget med 1 791 025 kr.",
            CONDITIONS,
            "Följande särskilda villkor ska följas:",
        ],
        "granted": D("1791025"),
        "special_conditions": [
            "Projektägaren ska vid återrapportering särskilt beskriva hur projektet arbetat med "
            "att fokuserat nå målen med antal deltagande företag.",
            "Projektägaren ska vid återrapportering särskilt beskriva hur projektet förankrat "
            "arbetet med stödmiljön med hänsyn till samordning med andra projekt och insatser, "
            "samt ansvar för fortsatt drift.",
        ],
        "financing": rows(
            ("Tillväxtverket", "eruf", "4477565"),
            ("Region Norrbotten", "region_1_1", "1791025"),
            ("Region Västerbotten", "other", "1791025"),
            ("Kalix kommun", "municipality", "298504"),
            ("Piteå kommun", "municipality", "149252"),
            ("Skellefteå kommun", "municipality", "447756"),
        ),
        "motions": [],
        "recipients": ["Regional utvecklingsdirektör"],
    },
    {
        "paragraph": 39,
        "number": 45,
        "year": 2020,
        "nyps_id": "20204876",
        "project_title": "Export Camp",
        "applicant": "Industriellt utvecklingscentrum Norr (IUC)",
        "owner": "Industriellt utvecklingscentrum Norr (IUC)",
        "partners": [],
        "start_date": "2020-11-02",
        "end_date": "2023-02-28",
        "requested": D("2500000"),
        "total_budget": D("5400000"),
        "involves_healthcare": False,
        "rus": ["Smarta, hållbara innovationer och entreprenörskap"],
        "smart": [],
        "main_aims": [],
        "summary": (
            "Projekt Export Camp skall bidra till en ökad andel exporterande små- och medelstora "
            "industri- och industrinära företag som arbetar med hållbara erbjudanden och "
            "hållbara affärsmodeller."
        ),
        "background": (
            "En tydlig utmaning för Norrbotten är att öka andelen exporterande små och medelstora "
            "företag; underleverantörerna behöver stöd att möta bas- och processindustrins krav."
        ),
        "purpose": "Att öka andelen exporterande små och medelstora industriföretag.",
        "implementation": (
            "Identifiering och analys av företag inom målgruppen, behovsstyrda insatser för "
            "hållbar internationell expansion."
        ),
        "expected_results": (
            "Deltagande företag har ökat sin förmåga att utveckla sina affärer för att exportera "
            "på ny marknad."
        ),
        "statement": (
            "Projektet bidrar till RUS effektmål att andelen SMF som exporterar ska öka från "
            "17 % till 23 %."
        ),
        "outcome": "granted",
        "decision_points": [
            "Projektet Export camp beviljas 2 500 000 kr i medfinansiering.",
            "Medlen anvisas ur det statliga 1:1 anslaget.",
            CONDITIONS,
        ],
        "granted": D("2500000"),
        "special_conditions": [],
        "financing": rows(
            ("Region Norrbotten", "region_1_1", "2500000"),
            ("Tillväxtverket", "eruf", "2500000"),
            ("Deltagande företag", "private", "400000", True),
        ),
        "motions": [],
        "recipients": ["Regional utvecklingsdirektör"],
    },
    {
        "paragraph": 40,
        "number": 40,
        "year": 2020,
        "nyps_id": "20204763",
        "project_title": "Intersective Innovation 2.0",
        "applicant": "Piteå Science Park AB",
        "owner": "Piteå Science Park AB",
        "partners": ["Skellefteå Science City"],
        "start_date": "2021-01-01",
        "end_date": "2022-12-31",
        "requested": D("1347090"),
        "total_budget": D("8980610"),
        "involves_healthcare": False,
        "rus": ["Smarta, hållbara innovationer och entreprenörskap"],
        "smart": [],
        "main_aims": ["equality"],
        "summary": (
            "Projektet Intersective Innovation 2.0 som ägs av Piteå Science Park vill ge SMF i "
            "Övre Norrland möjlighet att använda öppen innovation på samma villkor som storbolag."
        ),
        "background": (
            "Goda möjligheter till banbrytande innovation finns i skärningspunkter mellan olika "
            "områden, men SMF saknar resurser att arbeta med öppen innovation på egen hand."
        ),
        "purpose": (
            "Att stärka SMF i Övre Norrland genom att öka graden av öppen innovation och därmed "
            "deras konkurrenskraft."
        ),
        "implementation": (
            "Fyra delmål: fler SMF använder öppen innovation, hittar nya utvecklingsidéer, får "
            "stöd att kommersialisera och bjuds in till öppna innovationsprocesser."
        ),
        "expected_results": (
            "En rörligare och mer jämställd arbetsmarknad samt större mångfald i "
            "innovationsarbetet."
        ),
        "statement": (
            "Projektet svarar mot Regional utvecklingsstrategi Norrbotten 2030 och Strategi smart "
            "specialisering Norrbotten genom insatser för smarta, hållbara innovationer och "
            "entreprenörskap."
        ),
        "outcome": "granted",
        "decision_points": [
            "Projektet Intersective Innovation 2.0 beviljas 1 347 090 kr i medfinansiering.",
            "Medlen anvisas ur 1:1 anslaget med 1 347 090 kr.",
            CONDITIONS,
            "Vid återrapportering ska beskrivning av hur projektet jobbar för att inkludera små "
            "och medelstora företag (SMF) i inlandskommuner, samt kommuner i Övre Norrland som "
            "inte medfinansierar projektet (ett särskilt villkor för detta projekt).",
        ],
        "granted": D("1347090"),
        "special_conditions": [
            "Vid återrapportering ska beskrivning av hur projektet jobbar för att inkludera små "
            "och medelstora företag (SMF) i inlandskommuner, samt kommuner i Övre Norrland som "
            "inte medfinansierar projektet.",
        ],
        "financing": rows(
            ("Region Norrbotten", "region_1_1", "1347090"),
            ("Tillväxtverket", "eruf", "4490304"),
            ("Region Västerbotten", "other", "1347092"),
            ("Skellefteå kommun", "municipality", "651845"),
            ("Piteå kommun", "municipality", "538838"),
            ("Skellefteå Science City", "private", "66603"),
            ("Sparbanken Nord", "private", "538838"),
        ),
        "motions": [],
        "recipients": ["Regional utvecklingsdirektör"],
    },
    {
        "paragraph": 41,
        "number": 47,
        "year": 2020,
        "nyps_id": "20204871",
        "project_title": "Sustainable Business Bridge",
        "applicant": "Energikontor Norr AB",
        "owner": "Energikontor Norr AB",
        "partners": ["Winning Innovation AB"],
        "start_date": "2020-06-15",
        "end_date": "2023-04-30",
        "requested": D("2000000"),
        "total_budget": D("12250000"),
        "involves_healthcare": False,
        "rus": ["Hög livskvalitet i attraktiva livsmiljöer"],
        "smart": ["Energiteknik"],
        "main_aims": ["environment"],
        "summary": (
            "Energikontor Norr AB ska i projektet utveckla och etablera en digital plattform som "
            "möjliggör nya möten, affärer och partnerskap mellan aktörer med behov av lösningar "
            "för sin hållbarhetsomställning och leverantörer av nya lösningar."
        ),
        "background": (
            "Energikontor Norr genomförde under 2019 en förstudie (Nyps id 20202364) om en "
            "behovsdriven innovationsplattform hos aktörer i Norrbotten."
        ),
        "purpose": (
            "Att påskynda hållbarhetsomställningen hos regionens näringsliv genom att matcha "
            "företags behov med innovativa SMF inom energiteknik, miljöteknik och "
            "resurseffektivisering."
        ),
        "implementation": (
            "Teknisk utveckling av en digital samverkansplattform, pilotutveckling, coaching av "
            "företag, nätverkande och förslag till varaktig lösning."
        ),
        "expected_results": (
            "Innovationsplattformen är etablerad hos näringslivet i regionen och ett flertal "
            "lyckade matchningar har skett."
        ),
        "social_sustainability": "Jämn könsfördelning i arbetsgrupper och styrgrupp eftersträvas.",
        "environmental_sustainability": (
            "Plattformen bidrar till lösningar kopplade till Agenda 2030, mål 6, 7, 9, 11 och 12."
        ),
        "economic_sustainability": (
            "Kortare ledtider från idé till bärkraftigt företag; affärsmodellen för tiden efter "
            "projektslut måste utvecklas från start."
        ),
        "statement": (
            "Projektet överensstämmer med det prioriterade insatsområdet hög livskvalitet i "
            "attraktiva livsmiljöer - klimat, energi och hållbar konsumtion, enligt RUS."
        ),
        "outcome": "granted",
        "decision_points": [
            "Projektet Sustainable Business Bridge beviljas medfinansiering med 2 000 tkr.",
            FROM_GRANT,
            CONDITIONS,
        ],
        "granted": D("2000000"),
        "special_conditions": [],
        "financing": rows(
            ("Region Norrbotten", "region_1_1", "2000000"),
            ("Tillväxtverket", "eruf", "6125000"),
            ("Region Västerbotten", "other", "500000"),
            ("Bodens kommun", "municipality", "100000"),
            ("Luleå kommun", "municipality", "225000"),
            ("Piteå kommun", "municipality", "225000"),
            ("Älvsbyns kommun", "municipality", "75000"),
            ("Gällivare näringsliv AB", "municipality", "100000"),
            ("Sparbanken Nord", "private", "1000000"),
            ("Winning Innovation AB", "private", "200000"),
            ("Vattenfall AB", "private", "50000"),
            ("Energikontor Norr AB", "private", "700000"),
            ("Medverkande företag", "private", "950000", True),
        ),
        # Seed 001 § 41: motion to reject, put against the proposal, reservation.
        "motions": [
            {
                "member": "Jan Anders Perdal",
                "party": "V",
                "kind": "rejection",
                "text": "yrkar avslag till projektansökan.",
                "reserves": True,
            }
        ],
        "recipients": ["Regional utvecklingsdirektör"],
    },
]

# Seed 002: Life Science innovation support (co-financed 1 245 497 kr). The seed carries no
# Dnr or NYPS-id; 00412-2023 and 20205310 are stand-ins so the case can live in the registry.
LIFE_SCIENCE_CASE = {
    "paragraph": None,
    "number": 412,
    "year": 2023,
    "nyps_id": "20205310",
    "project_title": "Stöd och organisation för innovation inom Life Science och hälsa i norra Sverige",
    "applicant": "Luleå tekniska universitet",
    "owner": "Umeå universitet",
    "partners": [
        "Luleå tekniska universitet",
        "Region Norrbotten",
        "Region Västerbotten",
        "Umeå universitet holding",
        "Skellefteå kommun",
        "Umeå kommun",
    ],
    "start_date": "2023-09-01",
    "end_date": "2026-10-31",
    "requested": D("1245497"),
    "total_budget": D("20718995"),
    "involves_healthcare": True,
    "rus": [
        "Hög livskvalitet i attraktiva livsmiljöer",
        "Smarta, hållbara innovationer och entreprenörskap",
    ],
    "smart": ["Smarta samhällen", "Hälsa och life science"],
    "main_aims": [],
    "summary": (
        "Stödsökande för projektet är Umeå universitet tillsammans med projektparterna Luleå "
        "tekniska universitet, Region Norrbotten, Region Västerbotten, Umeå universitet holding, "
        "samt Skellefteå och Umeå kommuner. Projektet adresserar ett behov av ett mer effektivt "
        "och sammanhållet innovationssystem inom Life science."
    ),
    "background": (
        "Hälsoområdet omgärdas av ett komplext nät av lagar och regler, vilket hindrar reguljära "
        "aktörer inom innovationsstödssystemen att skaffa sig den kompetens som krävs."
    ),
    "purpose": (
        "Projektet ska utveckla en stödfunktion dit anställda i universitetens forsknings- och "
        "utbildningsmiljöer, regional och kommunal sektor samt start-ups kan vända sig för "
        "nätverk, rådgivning och spetskompetens inom innovation och immaterialrätt."
    ),
    "implementation": (
        "Strukturer för innovationsprocesser mellan forsknings-, vård- och omsorgsverksamheter, "
        "systematisk insamling av affärsidéer, kompetensutveckling i immaterialrätt, stöd till "
        "verifiering och till EU-ansökningar samt kommunikationsinsatser."
    ),
    "expected_results": (
        "Ökad förmåga att identifiera goda idéer för nyttiggörande, ökad kunskap om marknadens "
        "förutsättningar, utvecklat stöd inom immaterialrätt och för konsortiearbete."
    ),
    "social_sustainability": (
        "Parterna har mål för social, ekonomisk och miljömässig hållbarhet på alla nivåer."
    ),
    "statement": (
        "Med dagens resurs- och kompetensbrist inom vård och omsorg är innovationer på "
        "hälsoområdet mer nödvändiga än någonsin. Hälso- och sjukvårdsavdelningen, enheten för "
        "Forskning och utbildning, deltar i projektet för Region Norrbottens del."
    ),
    "outcome": "granted",
    "decision_points": [
        "Projektet ”Stöd och organisation för innovation inom Life Science och hälsa i norra "
        "Sverige” beviljas medfinansiering med 1 245 497 kr.",
        "Medlen anvisas ur det statliga anslaget 1:1.",
        CONDITIONS,
    ],
    "granted": D("1245497"),
    "special_conditions": [],
    "financing": rows(
        ("Region Norrbotten", "region_1_1", "1245497"),
        ("Tillväxtverket", "tillvaxtverket", "8287468"),
        ("Region Västerbotten", "other_region_1_1", "3383466"),
        ("Umeå universitet", "university", "2193530"),
        ("Region Västerbotten", "other_region_own", "2104864"),
        ("Umeå universitet holding", "university", "1471315"),
        ("Luleå tekniska universitet", "university", "1032464"),
        ("Skellefteå kommun", "municipality", "363226"),
        ("Umeå kommun", "municipality", "358752"),
        ("Region Norrbotten", "region_own", "278413"),
    ),
    "motions": [],
    "recipients": ["Regional utvecklingsdirektör", "Funktionsbrevlåda Utveckla Norrbotten"],
}


def case_title(seed: dict) -> str:
    """The ärendemening as the protocol writes it."""
    return f"Medfinansiering av projektet {seed['project_title']}"


def all_seed_cases() -> list[dict]:
    return [*SEED_CASES, LIFE_SCIENCE_CASE]
