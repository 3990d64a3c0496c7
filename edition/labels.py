"""The words the edition generates itself (headings of the back matter, the imprint's field names,
table headers ...), per language: every writer takes them from here, so print and EPUB agree.

A language missing from the table, or a word missing in it, falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping

from .langtag import primary

LABELS: dict[str, dict[str, str]] = {
    "th": {
        "subtitle": "ฉบับตรวจชำระและอธิบายประกอบ",
        "imprint": "ข้อมูลการพิมพ์",
        "imprint-source": "ต้นฉบับ",
        "imprint-editor": "บรรณาธิการ",
        "imprint-edition": "ฉบับ",
        "imprint-status": "สถานะ",
        "imprint-rights": "ลิขสิทธิ์",
        "imprint-identifiers": "รหัสประจำฉบับ",
        "id-reading": "PDF ฉบับอ่านและเก็บรักษา",
        "id-printer": "PDF ฉบับส่งโรงพิมพ์",
        "id-epub": "EPUB",
        "contents": "สารบัญ",
        "notes": "หมายเหตุท้ายบท",
        "glossary": "อภิธานศัพท์",
        "bibliography": "บรรณานุกรม",
        "corrections": "ภาคผนวก: การแก้ไขต้นฉบับ",
        "corrections-short": "การแก้ไขต้นฉบับ",
        "index": "ดัชนีบุคคล",
        "names": "ภาคผนวก: ชื่อเฉพาะและการถอดเสียง",
        "names-intro": "ตัวบทคงการสะกดชื่อตามผู้เขียน หมายเหตุของบรรณาธิการใช้การถอดเสียงแบบเดียวตลอดเล่ม "
                       "ตารางนี้เทียบรูปทั้งสองกับชื่อในภาษาเดิมและภาษาอังกฤษ",
        "col-author-form": "ตัวบท",
        "col-notes-form": "หมายเหตุ",
        "col-source-form": "ภาษาเดิม",
        "col-english": "อังกฤษ",
        "corrections-intro": "รายการการแก้ไขข้อความ OCR ทั้งหมด {count} แห่ง แต่ละแห่งระบุตำแหน่ง ข้อความเดิม "
                             "ข้อความที่แก้ และระดับความมั่นใจ ข้อความที่ขีดเส้นใต้ประในตัวบทคือข้อความที่ OCR "
                             "อ่านผิดจนกู้ไม่ได้ พิมพ์ไว้ตามที่พบ",
        "col-id": "รหัส",
        "col-paragraph": "ย่อหน้า",
        "col-original": "ต้นฉบับ OCR",
        "col-reading": "แก้เป็น",
        "col-cert": "ความมั่นใจ",
        "author-note": "เชิงอรรถของผู้เขียน",
        "front-matter": "ส่วนนำ",
        "landmark-appendix": "การแก้ไขต้นฉบับ",
        "note-placeholder": "(เขียนหมายเหตุที่นี่)",
        "back-matter": "ส่วนท้าย",
        "glossary-ref": "อภิธานศัพท์",
        "titlepage": "หน้าชื่อเรื่อง",
        "bodymatter": "เนื้อเรื่อง",
        "landmarks": "จุดสำคัญ",
        "page-list": "เลขหน้าฉบับพิมพ์",
        "proof-title": "ฉบับตรวจแก้: หมายเหตุที่เปลี่ยนไปตั้งแต่ {old}",
        "proof-count": "{count} หมายเหตุ แต่ละแห่งมีแถบที่ขอบหน้า",
        "proof-note": "หมายเหตุ",
        "proof-id": "รหัส",
        "proof-change": "การเปลี่ยนแปลง",
        "proof-page": "หน้า",
        "added": "เพิ่ม",
        "changed": "แก้ไข",
        "moved": "ย้ายที่",
        "reanchored": "ยึดตำแหน่งใหม่",
        "space": "(ช่องว่าง)",
        "deleted": "(ลบ)",
        "no-date": "ม.ป.ป.",
        "page": "หน้า",
    },
    "en": {
        "subtitle": "An annotated edition",
        "imprint": "Imprint",
        "imprint-source": "Source",
        "imprint-editor": "Editor",
        "imprint-edition": "Edition",
        "imprint-status": "status",
        "imprint-rights": "Rights",
        "imprint-identifiers": "Identifiers",
        "id-reading": "PDF for reading and archiving",
        "id-printer": "PDF for the printer",
        "id-epub": "EPUB",
        "contents": "Contents",
        "notes": "Notes",
        "glossary": "Glossary",
        "bibliography": "Bibliography",
        "corrections": "Appendix: Corrections to the source",
        "corrections-short": "Corrections to the source",
        "index": "Index of persons",
        "names": "Appendix: Names and their spellings",
        "names-intro": "The text keeps the author's spellings; the editor's notes use one transliteration "
                       "throughout. This table gives both with the original and the English form.",
        "col-author-form": "Text",
        "col-notes-form": "Notes",
        "col-source-form": "Original",
        "col-english": "English",
        "corrections-intro": "All {count} editorial interventions in the source (corrections, regularisations, "
                             "expansions), each with its place, the text as found, the text as the edition reads it "
                             "and, where given, how certain it is. Text underlined with dots is what could not be "
                             "read for certain, printed as found.",
        "col-id": "Id",
        "col-paragraph": "Paragraph",
        "col-original": "Source",
        "col-reading": "Edition",
        "col-cert": "Certainty",
        "author-note": "the author's note",
        "front-matter": "Front matter",
        "landmark-appendix": "Corrections to the source",
        "note-placeholder": "(write the note here)",
        "back-matter": "Back matter",
        "glossary-ref": "glossary",
        "titlepage": "Title page",
        "bodymatter": "Start of text",
        "landmarks": "Landmarks",
        "page-list": "Pages of the print edition",
        "proof-title": "Proof: notes changed since {old}",
        "proof-count": "{count} notes, each marked with a bar in the margin",
        "proof-note": "Note",
        "proof-id": "Id",
        "proof-change": "Change",
        "proof-page": "Page",
        "added": "added",
        "changed": "changed",
        "moved": "moved",
        "reanchored": "re-anchored",
        "space": "(space)",
        "deleted": "(deleted)",
        "no-date": "n.d.",
        "page": "p.",
    },
    # the reader-facing words in German, French and Russian (an editor's tools fall back to English)
    "de": {
        "subtitle": "Eine kommentierte Ausgabe",
        "imprint": "Impressum",
        "imprint-source": "Vorlage",
        "imprint-editor": "Herausgeber",
        "imprint-edition": "Ausgabe",
        "imprint-status": "Stand",
        "imprint-rights": "Rechte",
        "imprint-identifiers": "Kennungen",
        "id-reading": "PDF zum Lesen und Archivieren",
        "id-printer": "PDF für die Druckerei",
        "contents": "Inhalt",
        "notes": "Anmerkungen",
        "glossary": "Glossar",
        "bibliography": "Literaturverzeichnis",
        "corrections": "Anhang: Eingriffe in die Vorlage",
        "corrections-short": "Eingriffe in die Vorlage",
        "index": "Personenregister",
        "names": "Anhang: Namen und ihre Schreibungen",
        "names-intro": "Der Text bewahrt die Schreibungen der Vorlage; die Anmerkungen schreiben jeden Namen "
                       "einheitlich. Die Tabelle nennt beide, dazu die Originalform und die englische.",
        "col-author-form": "Text",
        "col-notes-form": "Anmerkungen",
        "col-source-form": "Original",
        "col-english": "Englisch",
        "corrections-intro": "Alle {count} Eingriffe in die Vorlage (Berichtigungen, Normalisierungen, "
                             "Auflösungen), jeweils mit Stelle, Lesart der Vorlage, Lesart der Ausgabe und, wo "
                             "angegeben, dem Grad der Gewissheit. Punktiert unterstrichener Text ist nicht sicher "
                             "lesbar und wie vorgefunden wiedergegeben.",
        "col-id": "Nr.",
        "col-paragraph": "Absatz",
        "col-original": "Vorlage",
        "col-reading": "Ausgabe",
        "col-cert": "Gewissheit",
        "author-note": "Anmerkung des Verfassers",
        "front-matter": "Titelei",
        "back-matter": "Anhang",
        "landmark-appendix": "Eingriffe in die Vorlage",
        "note-placeholder": "(Anmerkung hier schreiben)",
        "titlepage": "Titelseite",
        "bodymatter": "Textbeginn",
        "landmarks": "Orientierungspunkte",
        "page-list": "Seiten der Druckausgabe",
        "no-date": "o. J.",
        "page": "S.",
    },
    "fr": {
        "subtitle": "Édition annotée",
        "imprint": "Achevé d’imprimer",
        "imprint-source": "Source",
        "imprint-editor": "Éditeur scientifique",
        "imprint-edition": "Édition",
        "imprint-status": "état",
        "imprint-rights": "Droits",
        "imprint-identifiers": "Identifiants",
        "id-reading": "PDF de lecture et d’archivage",
        "id-printer": "PDF pour l’imprimeur",
        "contents": "Table des matières",
        "notes": "Notes",
        "glossary": "Glossaire",
        "bibliography": "Bibliographie",
        "corrections": "Annexe : interventions sur la source",
        "corrections-short": "Interventions sur la source",
        "index": "Index des personnes",
        "names": "Annexe : les noms et leurs graphies",
        "names-intro": "Le texte garde les graphies de la source ; les notes écrivent chaque nom d’une seule "
                       "façon. Ce tableau donne les deux, avec la forme originale et la forme anglaise.",
        "corrections-intro": "Les {count} interventions de l’éditeur sur la source (corrections, régularisations, "
                             "développements), chacune avec son lieu, la leçon de la source, celle de l’édition et, "
                             "s’il est donné, son degré de certitude. Le texte souligné de points n’a pu être lu "
                             "avec certitude et est reproduit tel quel.",
        "col-author-form": "Texte",
        "col-notes-form": "Notes",
        "col-source-form": "Original",
        "col-english": "Anglais",
        "col-id": "N°",
        "col-paragraph": "Paragraphe",
        "col-original": "Source",
        "col-reading": "Édition",
        "col-cert": "Certitude",
        "author-note": "note de l’auteur",
        "front-matter": "Pages liminaires",
        "back-matter": "Annexes",
        "landmark-appendix": "Interventions sur la source",
        "note-placeholder": "(écrire la note ici)",
        "titlepage": "Page de titre",
        "bodymatter": "Début du texte",
        "landmarks": "Repères",
        "page-list": "Pages de l’édition imprimée",
        "no-date": "s. d.",
        "page": "p.",
    },
    "ru": {
        "subtitle": "Издание с комментариями",
        "imprint": "Выходные сведения",
        "imprint-source": "Источник",
        "imprint-editor": "Редактор",
        "imprint-edition": "Издание",
        "imprint-status": "статус",
        "imprint-rights": "Права",
        "imprint-identifiers": "Идентификаторы",
        "id-reading": "PDF для чтения и архивного хранения",
        "id-printer": "PDF для типографии",
        "contents": "Содержание",
        "notes": "Примечания",
        "glossary": "Глоссарий",
        "bibliography": "Библиография",
        "corrections": "Приложение: исправления источника",
        "corrections-short": "Исправления источника",
        "index": "Указатель имён",
        "names": "Приложение: имена и их написания",
        "names-intro": "Текст сохраняет написания источника; в примечаниях каждое имя пишется единообразно. "
                       "В таблице приведены оба написания, а также исходная и английская формы.",
        "corrections-intro": "Все вмешательства редактора в текст источника ({count}: исправления, "
                             "нормализации, раскрытия сокращений), с указанием места, чтения источника, чтения "
                             "издания и, где указана, степени достоверности. Подчёркнутый точками текст прочитан "
                             "неуверенно и воспроизведён как есть.",
        "col-author-form": "Текст",
        "col-notes-form": "Примечания",
        "col-source-form": "Оригинал",
        "col-english": "Английский",
        "col-id": "№",
        "col-paragraph": "Абзац",
        "col-original": "Источник",
        "col-reading": "Издание",
        "col-cert": "Достоверность",
        "author-note": "примечание автора",
        "front-matter": "Начальные страницы",
        "back-matter": "Приложения",
        "landmark-appendix": "Исправления источника",
        "note-placeholder": "(напишите примечание здесь)",
        "titlepage": "Титульный лист",
        "bodymatter": "Начало текста",
        "landmarks": "Ориентиры",
        "page-list": "Страницы печатного издания",
        "no-date": "б. г.",
        "page": "с.",
    },
}


class Labels(Mapping[str, str]):
    """The labels of one language, English where it has none."""

    def __init__(self, lang: str):
        base = primary(lang) or "en"
        self.lang = base if base in LABELS else "en"
        self._table = {**LABELS["en"], **LABELS.get(base, {})}

    def __getitem__(self, key: str) -> str:
        return self._table[key]

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __call__(self, key: str, **values) -> str:
        return self._table[key].format(**values) if values else self._table[key]


def labels_for(lang: str) -> Labels:
    return Labels(lang)
