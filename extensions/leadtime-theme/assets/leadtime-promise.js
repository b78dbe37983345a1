// placeholder: replaced by the <leadtime-promise> web component
