"""A small handwashing XLSForm using every construct `from-xlsform` converts, built with openpyxl,
and a KoboToolbox export of its answers as KoboToolbox writes one."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

SURVEY = [
    ["type", "name", "label::English (en)", "label::Français (fr)", "hint::English (en)",
     "hint::Français (fr)", "required", "relevant", "constraint",
     "constraint_message::English (en)", "constraint_message::Français (fr)", "calculation"],
    ["start", "start"], ["end", "end"], ["today", "today"], ["deviceid", "deviceid"],
    ["note", "intro", "Thank you for helping us understand handwashing at home.",
     "Merci de nous aider à comprendre le lavage des mains à la maison."],
    ["integer", "age", "How old are you?", "Quel âge avez-vous ?", "In years", "En années",
     "yes", "", ". >= 15 and . <= 99", "Please give an age from 15 to 99.",
     "Indiquez un âge entre 15 et 99 ans."],
    ["begin_group", "hh", "Your household", "Votre foyer", "", "", "", "${age} >= 15"],
    ["select_one yn", "washes_hands", "Did you wash your hands with soap after using the toilet "
     "today?", "Vous êtes-vous lavé les mains au savon après être allé aux toilettes "
     "aujourd'hui ?", "", "", "yes"],
    ["integer", "times_today", "How many times did you wash your hands with soap today?",
     "Combien de fois vous êtes-vous lavé les mains au savon aujourd'hui ?", "", "", "yes",
     "${washes_hands} = 'yes'", ". >= 0 and . <= 40", "From 0 to 40, please.",
     "Entre 0 et 40, s'il vous plaît."],
    ["select_multiple moments", "moments", "When do you usually wash your hands with soap?",
     "Quand vous lavez-vous habituellement les mains au savon ?", "Pick up to 3",
     "Jusqu'à 3 réponses", "yes", "", "count-selected(.) <= 3", "At most 3, please.",
     "3 au maximum, s'il vous plaît."],
    ["decimal", "soap_cost", "How much does a bar of soap cost you (in dollars)?",
     "Combien vous coûte un savon (en dollars) ?", "", "", "", "", ". >= 0 and . <= 50",
     "A price from 0 to 50.", "Un prix entre 0 et 50."],
    ["end_group"],
    ["calculate", "frequent", "", "", "", "", "", "", "", "", "", "${times_today} >= 5"],
    ["text", "why_frequent", "What makes you wash your hands so often?",
     "Qu'est-ce qui vous pousse à vous laver les mains si souvent ?", "", "", "",
     "${frequent}"],
    ["text", "difficult", "What makes it difficult to wash your hands with soap?",
     "Qu'est-ce qui rend difficile le lavage des mains au savon ?", "", "", "yes", "",
     "string-length(.) >= 2", "Tell us a little more.", "Dites-nous en un peu plus."],
    ["select_one yn", "has_soap", "Is there soap at home right now?",
     "Y a-t-il du savon à la maison en ce moment ?", "", "", "yes",
     "not(selected(${moments}, 'never'))"],
    ["text", "comments", "Anything else you would like to tell us?",
     "Voulez-vous ajouter quelque chose ?"],
]
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Français (fr)"],
    ["yn", "yes", "Yes", "Oui"], ["yn", "no", "No", "Non"],
    ["moments", "before_eating", "Before eating", "Avant de manger"],
    ["moments", "after_toilet", "After the toilet", "Après les toilettes"],
    ["moments", "after_cleaning_child", "After cleaning a child", "Après avoir changé un enfant"],
    ["moments", "before_cooking", "Before cooking", "Avant de cuisiner"],
    ["moments", "never", "I don't usually", "D'habitude, je ne le fais pas"],
]
SETTINGS = [["form_title", "form_id", "default_language", "version"],
            ["Handwashing at home", "handwashing_2024", "English (en)", "2024061201"]]


def write_form(path: Path) -> Path:
    """The form as an .xlsx file with survey, choices and settings sheets."""
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    for row in SURVEY:
        survey.append(row)
    for title, rows in (("choices", CHOICES), ("settings", SETTINGS)):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# KoboToolbox "XML values and headers", group separator "/", multiple choices both as one
# space-separated column and split into 0/1 columns, ";" as Excel in many locales writes it.
KOBO_HEADER = (
    "start;end;today;deviceid;age;hh/washes_hands;hh/times_today;hh/moments;"
    "hh/moments/before_eating;hh/moments/after_toilet;hh/moments/after_cleaning_child;"
    "hh/moments/before_cooking;hh/moments/never;hh/soap_cost;frequent;why_frequent;difficult;"
    "has_soap;comments;meta/instanceID;_id;_uuid;_submission_time;_validation_status;_notes;"
    "_status;_submitted_by;__version__;_tags;_index"
)
KOBO_ROWS = [
    "2024-06-12T10:02:11.123+02:00;2024-06-12T10:09:40.845+02:00;2024-06-12;"
    "collect:Xq1uWn6ZkY3H;34;yes;6;before_eating after_toilet;1;1;0;0;0;0.5;true;"
    "I have two small kids and worry about diarrhoea;No water at the tap in the mornings;yes;;"
    "uuid:5b6c1f1e-1a3c-4d7e-9f00-0c1d2e3f4a51;181203945;5b6c1f1e-1a3c-4d7e-9f00-0c1d2e3f4a51;"
    "2024-06-12T08:14:03;;[];submitted_via_web;;vK8fGqgLtR7uYUmAu7xHcz;[];1",
    "2024-06-12T11:30:00.000+02:00;2024-06-12T11:36:12.004+02:00;2024-06-12;"
    "collect:Xq1uWn6ZkY3H;52;no;;after_toilet;0;1;0;0;0;1.25;false;;"
    "Soap is too expensive for us;no;Bring soap to the market;"
    "uuid:0f7e4a2c-8b9d-4e1f-a2b3-c4d5e6f70812;181204102;0f7e4a2c-8b9d-4e1f-a2b3-c4d5e6f70812;"
    "2024-06-12T09:40:51;validation_status_approved;[];submitted_via_web;;"
    "vK8fGqgLtR7uYUmAu7xHcz;[];2",
    "2024-06-13T09:12:45.500+02:00;2024-06-13T09:17:02.250+02:00;2024-06-13;"
    "collect:Bb72LmQp0aZs;15;yes;2;before_cooking;0;0;0;1;0;0.75;false;;"
    "I forget when I am busy;yes;;"
    "uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d;181230544;9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d;"
    "2024-06-13T07:20:11;;[];submitted_via_web;enumerator2;vK8fGqgLtR7uYUmAu7xHcz;[];3",
    "2024-06-13T14:01:09.000+02:00;2024-06-13T14:10:33.000+02:00;2024-06-13;"
    "collect:Bb72LmQp0aZs;40;yes;9;before_eating after_toilet after_cleaning_child;1;1;1;0;0;;"
    "true;My wife insists on it;nothing really, we have what we need;yes;Merci beaucoup;"
    "uuid:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f;181231877;1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f;"
    "2024-06-13T12:11:40;;[];submitted_via_web;enumerator2;vK8fGqgLtR7uYUmAu7xHcz;[];4",
    "2024-06-14T08:45:00.000+02:00;2024-06-14T08:49:58.000+02:00;2024-06-14;"
    "collect:Xq1uWn6ZkY3H;29;no;;never;0;0;0;0;1;2;false;;There is never water in our street;"
    ";;uuid:77aa88bb-99cc-4ddd-8eee-ff0011223344;181250023;77aa88bb-99cc-4ddd-8eee-ff0011223344;"
    "2024-06-14T06:52:17;validation_status_not_approved;[];submitted_via_web;;"
    "vK8fGqgLtR7uYUmAu7xHcz;[\"check\"];5",
    "2024-06-14T16:20:31.000+02:00;2024-06-14T16:27:00.000+02:00;2024-06-14;"
    "collect:Bb72LmQp0aZs;67;yes;5;after_toilet before_cooking;0;1;0;1;0;0.6;true;"
    "My grandchildren visit every day;The soap melts away too fast;yes;;"
    "uuid:d4c3b2a1-0f9e-4d8c-b7a6-958473625140;181251999;d4c3b2a1-0f9e-4d8c-b7a6-958473625140;"
    "2024-06-14T14:30:02;;[];submitted_via_web;enumerator2;vK8fGqgLtR7uYUmAu7xHcz;[];6",
]


def kobo_export(*, drop: tuple[str, ...] = ()) -> str:
    """The export, optionally without some columns (e.g. the one-cell multiple choice)."""
    header = KOBO_HEADER.split(";")
    keep = [i for i, name in enumerate(header) if name not in drop]
    lines = [KOBO_HEADER, *KOBO_ROWS]
    return "\r\n".join(";".join(line.split(";")[i] for i in keep) for line in lines) + "\r\n"
