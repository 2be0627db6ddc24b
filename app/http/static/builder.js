// The questionnaire builder, enhanced where a browser runs scripts (the pages work without):
// a code left blank shows the code it will get from the label, and ticking an answer of
// one question in a condition or an indicator unticks the answers of the others.
"use strict";
(function () {
  const spelled = { "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue" };
  function slug(text) {
    const plain = text.replace(/[äöüßÄÖÜ]/g, (c) => spelled[c]).normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    const words = plain.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim().split(" ").filter(Boolean);
    let code = "";
    for (const word of words) {
      const longer = code ? code + "_" + word : word;
      if (longer.length > 40) break;
      code = longer;
    }
    return code || (words[0] || "").slice(0, 40);
  }
  const form = document.querySelector("form[data-default-language]");
  const language = form ? form.dataset.defaultLanguage : "";
  for (const row of document.querySelectorAll(".option-row")) {
    const label = row.querySelector("input[name$='-label-" + language + "']");
    const code = row.querySelector("input[name$='-code']");
    if (!label || !code) continue;
    const show = () => { code.placeholder = slug(label.value); };
    label.addEventListener("input", show);
    show();
  }
  for (const name of ["show_if", "success"]) {
    const boxes = Array.from(document.querySelectorAll("input[type=checkbox][name='" + name + "']"));
    for (const box of boxes) {
      box.addEventListener("change", () => {
        if (!box.checked) return;
        const question = box.value.split(":")[0];
        for (const other of boxes) if (other.value.split(":")[0] !== question) other.checked = false;
      });
    }
  }
})();
