"""Demo data of the reporting app: the 2022 report of seed 004, abridged.

Runs last in ``manage.py load_demo``. The report is created from the shipped 2022
template; a few answers and insatser are taken from seed 004 (texts abridged), some
sections are marked done. The figures are not typed in anywhere: they come from the
financing demo's 2022 commitments (61 / 34 / 5 %). Idempotent: answers and tables are
only filled when still empty.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from reporting import selectors, services
from reporting.models import ReportYear, Section

YEAR = 2022

REFERENCES = {
    "government_reference": "N2021/03079, N2021/03001 (delvis)",
    "agency_reference": "Ä 2022–4019",
    "region_reference": "RUN 00060-2022",
    "recipients": "li.registrator@regeringskansliet.se\ntillvaxtverket@tillvaxtverket.se",
}

# section key -> (yes_no or None, text, done)
ANSWERS = {
    "rus-strategic-work": (
        None,
        "Coronapandemin har under 2022 fortsatt haft inverkan på utvecklingsinsatserna inom "
        "kultur, näringsliv och samhällsplanering. Kriget i Ukraina och de därtill följande höga "
        "kostnaderna för energi och livsmedel har förstärkt de utmaningar Norrbottens invånare "
        "och verksamheter upplevt under pandemin. Under året har insatser som kan stärka "
        "Norrbottens resiliens därför varit viktiga.\n\n"
        "De stora investeringar som ska göras i länet utmanar det regionala policyarbetet och "
        "kommunernas strategiska planeringsarbete. Viktiga områden att utveckla har därför varit:\n"
        "- modeller och metoder för att stärka och utveckla helhetssyn,\n"
        "- samverkansprocesser,\n"
        "- balanserade avvägningar och prioriteringar.\n\n"
        "**Kompetensförsörjningsfrågan** kräver samsyn och samverkan på en helt ny nivå. Därför "
        "har det regionala kompetensförsörjningsrådet utvidgats till att också omfatta "
        "representanter för det privata näringslivet.",
        True,
    ),
    "rus-territorial": (
        None,
        "Territoriella perspektiv har beaktats i arbetet med regionala elnätsanalyser, projektet "
        "North Sweden Green Deal, inom framtagande av ny länstransportplan och genom utvecklingen "
        "av det sociala hållbarhetsperspektivet i den fysiska planeringen. Behovet av regional "
        "utvecklingsplanering är tydligt inom mellankommunala och regionala frågor som "
        "infrastruktur, transporter och kollektivtrafik.\n\n"
        "Ett målinriktat arbete med att stötta de aktörer som bedriver kommersiell service i "
        "länet har genomförts.",
        True,
    ),
    "equal-strategic-work": (
        None,
        "Den kommersiella servicen med dagligvarubutiker, drivmedelsstationer och "
        "ombudsfunktioner är mycket viktig för en attraktiv gles- och landsbygd. Den behöver "
        "bevaras och även utökas för att skapa en stark och trygg servicefunktion och därmed "
        "bidra till attraktiva livsmiljöer.\n\n"
        "Behoven av kommersiell service har kartlagts genom att tillsammans med kommuner och "
        "länsstyrelsen besöka ca 45 butiker och drivmedelsstationer. Ett resultat är att ett "
        "regionalt servicenätverk har startats upp under året.",
        False,
    ),
    "grant-distribution": (
        None,
        "Varje år tar den regionala utvecklingsnämnden (RUN) beslut om fördelning av anslaget "
        "1:1 mellan projektstöd och företagsstöd inklusive kommersiell service. Under året har "
        "en större andel medel avsatts till projektstöd för att kunna medfinansiera uppstarten av "
        "de nya EU-programmen.\n\n"
        "Fördelningen per kategori och per prioritering i den regionala utvecklingsstrategin "
        "framgår av tabellerna nedan:\n"
        "- Attraktiva livsmiljöer och tillgänglighet innefattar projektstöd samt samtliga "
        "beviljade medel inom kommersiell service.\n"
        "- Innovation samt entreprenörskap och företagande innefattar projektstöd samt samtliga "
        "beviljade medel inom företagsstöd.\n\n"
        "Inom området kommersiell service har särskilt driftstöd och stöd för korrosionsskydd "
        "till drivmedelsstationer prioriterats, men även hemsändningsbidrag och servicebidrag "
        "har varit viktiga stödtyper.",
        True,
    ),
    "grant-sustainability": (
        None,
        "Region Norrbotten har en regional finansieringsstrategi som fokuserar på de regionala "
        "projektstöden, inklusive hur hållbarhet ekonomiskt, socialt och miljömässigt ska "
        "integreras i satsningar som finansieras.\n\n"
        "Finansieringsstrategin och anvisningen för regionala projektmedel skapar, tillsammans "
        "med att strukturfondsprogrammen har hållbarhetsintegrerats, en god grund för att Region "
        "Norrbotten ska kunna investera i hållbara projekt.",
        False,
    ),
    "grant-rus": (
        True,
        "- Inom attraktiva livsmiljöer har beviljade insatser bidragit till genomförande av "
        "målen en livskraftig region, attraktivt boende och närmiljö.\n"
        "- Under året har insatser beviljats inom samtliga smart specialiseringsområden, som "
        "främst bidrar till RUS-målen stärkt företagande och entreprenörskap, högre "
        "förnyelseförmåga och ökad export.\n"
        "- Inom kompetensförsörjning och kompetensutveckling har insatserna bidragit till "
        "RUS-målen förbättrad kompetensförsörjning och goda försörjningsmöjligheter.",
        True,
    ),
    "county-assessment": (
        None,
        "Samverkan med Länsstyrelsen har fungerat väl under året. Det gemensamma arbetet inom "
        "Regional förnyelse bidrar till bättre samsyn, dialog och kunskap om länets "
        "förutsättningar och behov.",
        True,
    ),
    "analysis-strategic-work": (
        None,
        "Samarbetet Regional förnyelse är ett etablerat samverkansprojekt mellan Region "
        "Norrbotten, Länsstyrelsen i Norrbottens län och Luleå tekniska universitet. Under året "
        "har arbetet handlat om att stärka länets förutsättningar i viktiga regionala tillväxt- "
        "och utvecklingsfrågor.\n\n"
        "Analys och uppföljning av anslaget 1:1 görs årligen utifrån den regionala "
        "utvecklingsstrategins prioriteringar. Ett arbete med att följa upp anslaget tätare för "
        "att bättre kunna styra nyttjandet har påbörjats.",
        False,
    ),
    "analysis-plan": (True, "", True),
}

# section key -> rows (name, goal, outputs, effects), abridged from seed 004's tables.
INSATSER = {
    "equal-insatser": [
        (
            "Förstudie – hållbar regleringsmodell av helikopterskidåkning i Kirunafjällen "
            "(Kiruna Lapland ek. förening)",
            "RUS: Attraktiva livsmiljöer/Målkonflikter markanvändning\n"
            "Smart specialisering: Besöksnäring",
            "1 förstudierapport med nulägesbeskrivning, utmaningar och förslag till innehåll i en "
            "hållbar regleringsmodell av helikopterskidåkningen i Kirunafjällen.",
            "Ökad kunskap hos intressenter och Länsstyrelsen om problembilden kopplat till "
            "målkonflikter inom besöksnäringen i fjällen.",
        ),
        (
            "Form och Design Center i Norr – etablerandet av en nod för politiken för gestaltad "
            "livsmiljö i Övre Norrland (Region Västerbotten)",
            "RUS: Attraktiva livsmiljöer\nSmart specialisering: Kulturella och kreativa näringar",
            "En nod för arbetet med gestaltad livsmiljö.",
            "Ökad kunskap kring gestaltade livsmiljöer; en bättre samhällsplaneringsprocess; "
            "attraktiva livsmiljöer som lockar fler att flytta till Norrbotten.",
        ),
        (
            "Road trip – besökt alla landsbygdsbutiker och drivmedelsstationer. "
            "#ServiceriktNorrbotten",
            "Hög livskvalitet i attraktiva livsmiljöer",
            "Ökat antal ansökningar om investeringsstöd.",
            "Investering och utveckling av verksamheterna stärker deras attraktivitet, vilket "
            "leder till ökad köptrohet och därmed överlevnad.",
        ),
    ],
    "skills-insatser": [
        (
            "North Sweden Green Deal",
            "En flexibel och väl fungerande kompetensförsörjning",
            "14 unika handlingsplaner, en per kommun, för ökad attraktionskraft och "
            "mottagarkapacitet för nya invånare/arbetskraft.",
            "Förväntad kompetens och handlingsförmåga kring mottagande av nya "
            "invånare/arbetskraft till sommaren 2023.",
        ),
    ],
    "innovation-insatser": [
        (
            "LOKET (ERUF)\nSyfte: Att genom starka kluster få en hållbar tillväxt i företagen "
            "som ingår i klustren och säkerställa framtida konkurrenskraft för Norrbotten.",
            "RUS: Smarta, hållbara innovationer och entreprenörskap\n"
            "Agenda 2030: mål 8, 9, 12 och 17",
            "Antal genomförda kunskapsunderlag: 2\n"
            "Antal genomförda klusterledarträffar i Sverige: 4\n"
            "Antal genomförda klusterledarträffar i Tyskland: 1\n"
            "Antal studiebesök inom klusterutveckling: 3",
            "Kort sikt: målgruppen har fått ökad kunskap om hur man på ett hållbart sätt kan "
            "arbeta med en klusterorganisation.\n"
            "Lång sikt: målgruppen har blivit en viktig katalysator för företagen i klustret.",
        ),
        (
            "Go Community\nProjektet utforskar samverkan mellan unga vuxna och kreativa "
            "entreprenörer och sammanlänkar mikro- och småföretagare över hela regionen.",
            "RUS: Innovation och företagande\nSmart specialisering: Kultur och kreativa näringar",
            "Fler nystartade företag genom aktiviteter för unga vuxna och entreprenörer i "
            "tidigt skede.",
            "Fler unga vuxna får stöttning i tidigt skede; fler kvinnor stöttas i sitt "
            "entreprenörskap.",
        ),
    ],
    "access-insatser": [
        (
            "RörLa\nProjektet effektiviserar trafiken genom samordning av samhällsbetalda resor "
            "med andra trafikslag.",
            "RUS: Hållbara transporter och tillgänglighet samt Hög livskvalitet i attraktiva "
            "livsmiljöer",
            "En cirkulär affärsmodell för samordnade transporter.\nEn digital tvilling.\n"
            "En digital plattform.",
            "I slutet av 2025 har digitalisering av kollektivtrafiken med plattformsteknologi "
            "tillgängliggjorts för beslutsfattare och kollektivtrafikens aktörer.",
        ),
        (
            "Arctic 6G (Interreg Aurora)\nUtvecklar, demonstrerar och sprider ny teknik som kan "
            "förbättra den samhälleliga motståndskraften hos framtida 6G-nät.",
            "RUS: Hållbara transporter och tillgänglighet samt Smarta, hållbara innovationer och "
            "entreprenörskap",
            "6 tekniska lösningar, 5 samarbeten mellan företag och akademi, 2 ansökningar till "
            "EU-program.",
            "Den regionala förmågan inom trådlös kommunikation utvecklas och affärspotential "
            "frigörs i gles- och landsbygd.",
        ),
    ],
}

# A project of the year is also added (prefilled from the project) to this table.
PROJECT_TABLE = "innovation-insatser"


@transaction.atomic
def load(stdout) -> None:
    officer = get_user_model().objects.filter(username="handlaggare").first()
    if officer is None:
        stdout.write("  reporting: demo users missing, run the projects stage first")
        return
    report = ReportYear.objects.filter(year=YEAR).first()
    if report is None:
        report = services.report_year_create(user=officer, year=YEAR)
    if not report.region_reference:
        report = services.report_year_update(
            user=officer, report=report, data=REFERENCES, version=report.version
        )
    sections = {s.key: s for s in Section.objects.filter(report=report).select_related("answer")}

    for key, rows in INSATSER.items():
        section = sections[key]
        if section.insatser.exists():
            continue
        for name, goal, outputs, effects in rows:
            insats = services.insats_add(user=officer, section=section)
            services.insats_update(
                user=officer,
                insats=insats,
                data={"name": name, "goal": goal, "outputs": outputs, "effects": effects},
                version=insats.version,
            )
        if key == PROJECT_TABLE:
            project = selectors.projects_for_year(YEAR).first()
            if project is not None:
                services.insats_add(user=officer, section=section, project=project)
    done_tables = ("equal-insatser", "innovation-insatser")

    for key, (yes_no, text, done) in ANSWERS.items():
        answer = sections[key].answer
        if answer.is_empty:
            answer = services.answer_save(
                user=officer, answer=answer, text=text, yes_no=yes_no, version=answer.version
            )
        if done and not answer.done:
            services.answer_set_done(user=officer, answer=answer, done=True)
    for key in done_tables:
        answer = sections[key].answer
        if not answer.done:
            services.answer_set_done(user=officer, answer=answer, done=True)

    progress = selectors.report_progress(report)
    stdout.write(
        f"  reporting: report {report.year}, {progress.done} of {progress.total} sections done"
    )
