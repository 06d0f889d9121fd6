// Progressive enhancement for the points ballot: a live count of the points left.
// The form works the same without it; the server checks every ballot.
const fieldset = document.querySelector("fieldset[data-method=points][data-budget]");
const output = document.getElementById("points-left");
if (fieldset && output) {
  const budget = Number(fieldset.dataset.budget);
  const inputs = Array.from(fieldset.querySelectorAll("input.govuk-input"));
  const update = () => {
    const given = inputs.reduce((sum, input) => {
      const value = Number(input.value.trim() || "0");
      return Number.isInteger(value) && value > 0 ? sum + value : sum;
    }, 0);
    const left = budget - given;
    output.textContent = (left >= 0 ? output.dataset.left : output.dataset.over).replace("{n}", String(Math.abs(left)));
  };
  output.hidden = false;
  inputs.forEach((input) => input.addEventListener("input", update));
  update();
}
