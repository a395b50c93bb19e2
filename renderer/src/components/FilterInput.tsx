/** A search box that narrows what is shown as the user types; `label` names it for screen readers. */
export function FilterInput(props: {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  label: string;
}) {
  return (
    <input
      type="search"
      placeholder={props.placeholder}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      aria-label={props.label}
    />
  );
}
