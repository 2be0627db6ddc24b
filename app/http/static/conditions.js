// The participant form: a question asked only after certain answers (show_if)
// is hidden while those answers are not given, and shown as soon as they are.
// Nothing is ever cleared: the server alone decides which answers count
// (app/questionnaires/answers.py, visible_questions), and without this script
// every question shows with the sentence that says when it applies.
(function () {
  "use strict";
  var form = document.getElementById("answers");
  var conditional = form ? form.querySelectorAll("[data-show-if]") : [];
  if (!conditional.length) return;

  function chosen(name) {
    var values = [];
    // A ranking's places are lists; an empty place has the value "", which no condition names.
    form.querySelectorAll("input[name='" + name + "']:checked, select[name='" + name + "']").forEach(function (input) {
      values.push(input.value);
    });
    return values;
  }

  function update() {
    // In document order: a condition refers only to an earlier question,
    // whose own visibility is already decided.
    conditional.forEach(function (block) {
      var target = document.getElementById("q-" + block.dataset.showIf);
      var wanted = block.dataset.anyOf.split(" ");
      block.hidden = !(target && !target.hidden && chosen(block.dataset.showIf).some(function (value) {
        return wanted.indexOf(value) >= 0;
      }));
    });
  }

  form.addEventListener("change", update);
  update();
})();
